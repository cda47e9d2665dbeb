// The arrays a run's denoising steps reuse, allocated once per run: the UNet input, the guided noise
// estimate and the scheduler's outputs. prevSample alternates between two buffers, so a step never
// writes the sample it reads; anything kept past the next step must be copied.
import type { StepOutput } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';

export class StepBuffers {
  /** The latents `copies` times over (uncond and text halves when guided). */
  readonly input: Tensor<Float32Array>;
  readonly eps: Float32Array;
  private readonly outs: [StepOutput, StepOutput];

  constructor(
    latentShape: readonly number[],
    readonly copies: 1 | 2,
  ) {
    const n = latentShape.reduce((a, b) => a * b, 1);
    this.input = { data: new Float32Array(n * copies), shape: [latentShape[0] * copies, ...latentShape.slice(1)] };
    this.eps = new Float32Array(n);
    const x0 = { data: new Float32Array(n), shape: latentShape };
    const prev = () => ({ prevSample: { data: new Float32Array(n), shape: latentShape }, predOriginalSample: x0 });
    this.outs = [prev(), prev()];
  }

  /** The latents copied into the UNet input. */
  fillInput(latents: Tensor): Tensor<Float32Array> {
    const n = latents.data.length;
    for (let c = 0; c < this.copies; c++) this.input.data.set(latents.data, c * n);
    return this.input;
  }

  /** Where step i writes. */
  out(i: number): StepOutput {
    return this.outs[i % 2];
  }
}
