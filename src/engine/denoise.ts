// The denoising loop every diffusers-scheduler phase of a run goes through (text-to-image, image-to-image,
// inpainting, both passes of an inversion, a refiner's tail): per step the guided UNet, the scheduler
// step, the finite checks and the step event with what the preview asks for. Its own file so the stages
// that run it (invert.ts, refinerStage.ts) and toolSampling.ts need nothing of pipeline.ts, which uses them.
import type { Scheduler } from '../core/samplers/scheduler';
import type { NoiseSource } from '../core/rng/noiseSource';
import type { Tensor } from '../core/tensor/tensor';
import type { GenerateRequest, StepEvent } from '../protocol/engine';
import { EngineFailure } from './engineFailure';
import type { ResolvedSpec, RunShape } from './requestCheck';
import type { ModelSessions } from './modelSessions';
import type { encodePrompts } from './textEncoding';
import type { AddedConditions } from './addedConditions';
import { previewImage } from './decode';
import { allFinite } from './finite';
import { guide, unguided } from './guidance';
import { guidedStep } from './guidedStep';
import { runUnet } from './runUnet';
import { StepBuffers } from './stepBuffers';
import type { UnetCall } from './unetLockstep';

export interface RunControl {
  onStep(event: StepEvent): void;
  /** Checked between steps; true stops the run with CANCELLED. */
  cancelled(): boolean;
  /** The UNet call of a run that goes together with others (unetLockstep.ts); runUnet otherwise. */
  unet?: UnetCall;
  /** Told once the run makes no more UNet calls (it goes on to decode), so the others stop waiting for it. */
  unetDone?: () => void;
}

/** What every denoising phase of a run shares. */
export interface Loop {
  s: ModelSessions;
  req: ResolvedSpec;
  shape: RunShape;
  text: Awaited<ReturnType<typeof encodePrompts>> | undefined;
  /** The family's extra UNet inputs, one row per row of a UNet call (addedConditions.ts). */
  added: AddedConditions;
  noise: NoiseSource;
  latentShape: number[];
  options: GenerateRequest['options'];
  control: RunControl;
  unetStepMs: number[];
  unetRunMs: number[];
}

/** One pass of the sampler over `timesteps` from `latents` (two for inversion: there and back). */
export interface Phase {
  scheduler: Scheduler;
  timesteps: ArrayLike<number>;
  latents: Tensor;
  /** 4-channel inpainting: work after each step (src/engine/inpaintBlend.ts). */
  afterStep?: (latents: Tensor, i: number) => void;
  /** 9-channel inpainting: channels appended to the UNet's input. */
  unetExtra?: Tensor;
  /** Step events count from here out of `totalSteps` (inversion reports both phases as one run). */
  firstStep?: number;
  totalSteps?: number;
}

/** The denoising loop: per step the guided UNet, the scheduler step and the step event. */
export async function denoise(loop: Loop, phase: Phase): Promise<Tensor> {
  const buffers = new StepBuffers(loop.latentShape, loop.text?.uncond !== undefined ? 2 : 1, phase.scheduler);
  let latents = phase.latents;
  try {
    latents = await steps(loop, phase, buffers);
  } finally {
    latents = buffers.release(latents);
  }
  return latents;
}

/** The loop's steps, in `buffers`. */
async function steps(loop: Loop, phase: Phase, buffers: StepBuffers): Promise<Tensor> {
  const { s, req, shape, text, added, noise, latentShape, options, control, unetStepMs, unetRunMs } = loop;
  const { scheduler, timesteps, afterStep, unetExtra } = phase;
  const first = phase.firstStep ?? 0;
  const total = phase.totalSteps ?? timesteps.length;
  let latents = phase.latents;
  const guided = text?.uncond !== undefined;
  // Without a preview setting, latents (when captured) come every step.
  const preview = options.preview ?? { every: 1, kind: 'none' };
  let wide: Float32Array | undefined;
  for (let i = 0; i < timesteps.length; i++) {
    const stepStart = performance.now();
    const t = timesteps[i];
    const input = buffers.modelInput(latents, t);
    const runStart = performance.now();
    const unetInput = unetExtra ? withChannels(input, unetExtra, wide) : input;
    if (unetExtra) wide = unetInput.data;
    const out = await (control.unet ?? runUnet)(s, unetInput, t, text?.hidden, added, buffers.unetOut);
    unetRunMs.push(performance.now() - runStart);
    const stepOptions = { eta: req.eta, out: buffers.out(i) };
    // Guidance and an elementwise step (DDIM, DPM-Solver++, Euler) in one pass; others take the guided
    // estimate. Asked for last, as the scheduler then counts on the step being taken.
    const x = latents.data;
    const fused =
      guided && req.guidanceRescale === 0 && x instanceof Float32Array
        ? scheduler.elementwiseStep?.(t, latents, noise, stepOptions)
        : undefined;
    const estimate =
      fused && x instanceof Float32Array
        ? guidedStep(buffers.kernels, out, req.guidanceScale, x, fused, stepOptions.out)
        : guided
          ? guide(out, req.guidanceScale, req.guidanceRescale, shape.batch, buffers.eps)
          : unguided(out);
    if (!estimate.finite) {
      throw new EngineFailure(
        'NAN_OUTPUT',
        `the UNet returned NaN or Inf at step ${first + i + 1} of ${total} (timestep ${t})`,
        { step: first + i },
      );
    }
    const step = estimate.eps
      ? scheduler.step({ data: estimate.eps, shape: latentShape }, t, latents, noise, stepOptions)
      : stepOptions.out;
    latents = step.prevSample;
    afterStep?.(latents, i);
    // A fused step checked the sample as it wrote it; work after the step changes it.
    const sampleFinite = estimate.eps || afterStep ? allFinite(latents.data) : estimate.sampleFinite;
    if (!sampleFinite) {
      throw new EngineFailure(
        'NAN_OUTPUT',
        `the ${scheduler.className} step returned NaN or Inf at step ${first + i + 1} of ${total} (timestep ${t})`,
        { step: first + i },
      );
    }

    const atCadence = preview.every > 0 && ((i + 1) % preview.every === 0 || i === timesteps.length - 1);
    const event: StepEvent = {
      step: first + i,
      totalSteps: total,
      t,
      sigma: scheduler.sigmaAt(t),
      latentShape,
      noiseNorm: estimate.rms,
    };
    if (atCadence && options.captureLatents) {
      event.xt = Float32Array.from(latents.data);
      event.x0 = Float32Array.from(step.predOriginalSample.data);
    }
    if (atCadence && preview.kind !== 'none')
      event.preview = await previewImage(s, preview.kind, step.predOriginalSample);
    control.onStep(event);
    // Let the cancel message in before the next step.
    await new Promise((resolve) => setImmediate(resolve));
    unetStepMs.push(performance.now() - stepStart);
    if (control.cancelled()) throw new EngineFailure('CANCELLED', `cancelled after step ${first + i + 1} of ${total}`);
  }
  return latents;
}

/** The UNet input with `extra`'s channels after each row's own (its rows repeat over guidance halves), written
 * into `into` where it has the size (a loop passes the array of its previous step). */
export function withChannels(input: Tensor, extra: Tensor, into?: Float32Array): Tensor<Float32Array> {
  const [n, c, h, w] = input.shape;
  const e = extra.shape[1];
  const plane = h * w;
  const size = n * (c + e) * plane;
  const data = into?.length === size ? into : new Float32Array(size);
  for (let b = 0; b < n; b++) {
    data.set(input.data.subarray(b * c * plane, (b + 1) * c * plane), b * (c + e) * plane);
    const row = b % extra.shape[0];
    data.set(extra.data.subarray(row * e * plane, (row + 1) * e * plane), (b * (c + e) + c) * plane);
  }
  return { data, shape: [n, c + e, h, w] };
}
