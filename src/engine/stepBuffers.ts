// The arrays a run's denoising steps reuse, allocated once per run: the UNet input and output (where
// the output comes from several calls), the guided noise estimate and the scheduler's outputs.
// prevSample alternates between two buffers, so a step never writes the sample it reads; anything kept
// past the next step must be copied. The scheduler's outputs, the UNet's input and output and the scheduler's
// own per-run arrays (a multistep solver's history) are slots of the fused steps' memory
// (kernels/stepKernels.ts), which a fused step then reads and writes in place; that memory goes to the next
// run once this one is released, so nothing of it is kept past release().
import type { Scheduler, StepOutput } from '../core/samplers/scheduler';
import type { Tensor } from '../core/tensor/tensor';
import { releaseKernels, SLOT, takeKernels, type StepKernels } from './kernels/stepKernels';

export class StepBuffers {
  /** The latents `copies` times over (uncond and text halves when guided). */
  readonly input: Tensor<Float32Array>;
  /** The UNet's output for all rows, when put together from several calls (runUnet.ts). */
  readonly unetOut: Float32Array;
  readonly eps: Float32Array;
  readonly kernels: StepKernels;
  private readonly outs: [StepOutput, StepOutput];

  constructor(
    latentShape: readonly number[],
    readonly copies: 1 | 2,
    /** The scheduler whose steps these are: it keeps its per-run arrays here until release(). */
    private readonly scheduler: Scheduler,
  ) {
    const n = latentShape.reduce((a, b) => a * b, 1);
    this.kernels = takeKernels(n);
    scheduler.keepArraysIn?.(this.kernels.arena());
    this.input = { data: this.kernels.inputArray(copies), shape: [latentShape[0] * copies, ...latentShape.slice(1)] };
    const halves = copies === 2 ? this.kernels.pair(SLOT.u) : undefined;
    this.unetOut = halves ?? new Float32Array(n * copies);
    this.eps = new Float32Array(n);
    const x0 = { data: this.kernels.view(SLOT.x0), shape: latentShape };
    const prev = (slot: number) => ({
      prevSample: { data: this.kernels.view(slot), shape: latentShape },
      predOriginalSample: x0,
    });
    this.outs = [prev(SLOT.s0), prev(SLOT.s1)];
  }

  /** The UNet input at t: the latents times the scheduler's input scale, once per copy. */
  modelInput(latents: Tensor, t: number): Tensor<Float32Array> {
    const x = latents.data instanceof Float32Array ? latents.data : Float32Array.from(latents.data);
    this.kernels.scaleInput(x, this.scheduler.modelInputScale(t), this.input.data);
    return this.input;
  }

  /** `latents` as an array of their own (a copy where they are one of these buffers), then the buffers
   * handed on to the next run, the scheduler's arrays moved out of them first. */
  release(latents: Tensor): Tensor {
    const data = latents.data;
    const own = this.outs.some((o) => o.prevSample.data === data) || this.outs[0].predOriginalSample.data === data;
    this.scheduler.keepArraysIn?.(undefined);
    releaseKernels(this.kernels);
    return own ? { data: data.slice(), shape: latents.shape } : latents;
  }

  /** Where step i writes. */
  out(i: number): StepOutput {
    return this.outs[i % 2];
  }
}
