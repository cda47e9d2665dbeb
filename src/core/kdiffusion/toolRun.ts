// One sampling run as a tool's KSampler does it, from resolved names to the final latents: σ list (the
// tool's schedule, an explicit one, or the tool's cut of its schedule for an init image), initial noise of
// the run's noise convention scaled as the tool scales it (over the init image's latents), the noise
// sampler the tool feeds the sampler, and the tool's timestep rule for the model. The model stays outside:
// a Denoiser (a UNet in the engine, a formula in tests).
import { ancestralNoiseSampler } from '../noise/ancestralNoise';
import { brownianTreeNoiseSampler } from '../noise/brownianNoiseSampler';
import type { NoiseRunSpec } from '../noise/conventions';
import { initialNoise } from '../noise/initialNoise';
import {
  a1111Blend,
  a1111InpaintDenoiser,
  a1111InputBlendDenoiser,
  a1111MaskedContent,
  type A1111Inpaint,
  type A1111MaskedContent,
} from './a1111Inpaint';
import type { A1111ScheduleContext } from './a1111Schedules';
import { comfyInpaintDenoiser, type ComfyInpaint } from './comfyInpaint';
import {
  askModel,
  runWith,
  type Denoiser,
  type ModelStep,
  type NoiseSampler,
  type Sampling,
  type SamplerOptions,
  type StepCallback,
} from './denoiser';
import { nearestTimestep, type SigmaTable, sigmaTable, sigmaToT } from './sigmaTable';
import { type ToolImageSigmas, toolImageSigmas } from './toolImageSigmas';
import { finalLatentScale, inEpsSpace, initialNoiseScale, type ResolvedToolSampler, toolSigmas } from './toolSamplers';

export interface ToolRunSpec {
  readonly resolved: ResolvedToolSampler;
  /** The model's ᾱ over its training timesteps (σ table, and A1111's UniPC times). */
  readonly alphasCumprod: ArrayLike<number>;
  readonly steps: number;
  /** Explicit descending σ (the last included) instead of the tool's schedule for `steps`. */
  readonly sigmas?: readonly number[];
  readonly noise: NoiseRunSpec;
  readonly scheduleContext?: A1111ScheduleContext;
  /** Image-to-image: the init image's latents and how far they are noised (toolImageSigmas.ts); inpainting:
   * one latent plane of mask, 1 where the run repaints (comfyInpaint.ts, a1111Inpaint.ts). */
  readonly init?: {
    readonly latents: Float32Array;
    readonly strength: number;
    readonly mask?: Float32Array;
    /** A1111's masked content (a1111MaskedContent); absent: original. */
    readonly maskedContent?: A1111MaskedContent;
  };
}

export interface ToolRun {
  readonly resolved: ResolvedToolSampler;
  readonly table: SigmaTable;
  readonly sigmas: readonly number[];
  /** Initial noise × the tool's factor (`initialNoiseScale`), over the init image's latents where given. */
  readonly x: Float32Array;
  /** What the sampler gets: the tool's options, its noise sampler, A1111 UniPC's ᾱ. */
  readonly options: SamplerOptions;
  /** Factor on the result before decoding (`finalLatentScale`). */
  readonly finalScale: number;
  /** The tool's inpainting around every model call, where the run has a mask. */
  readonly inpaint?: ToolInpaint;
}

export type ToolInpaint = ({ tool: 'comfyui' } & ComfyInpaint) | ({ tool: 'a1111' } & A1111Inpaint);

/** Samplers that take no σ list (DPM fast/adaptive get the model's range; A1111's DDIM, PLMS and UniPC walk
 * their own timesteps), so an explicit σ list cannot be honoured. */
export function takesSigmaList(r: ResolvedToolSampler): boolean {
  return !r.modelRange && !inEpsSpace(r);
}

/** Samplers that start from an init image as their tool does (toolImageSigmas.ts): all but DPM fast and
 * adaptive, whose model range and step count A1111 gives them whatever the strength. */
export function startsFromImage(r: ResolvedToolSampler): boolean {
  return !r.modelRange;
}

/** Why a convention cannot feed the sampler, or undefined: the SDE samplers' Brownian tree exists in the
 * A1111 and ComfyUI conventions only (diffusers seeds its tree its own way). */
export function noiseProblem(r: ResolvedToolSampler, convention: NoiseRunSpec['convention']): string | undefined {
  if (r.sampler.noise === 'brownian' && convention === 'diffusers') {
    return (
      `${r.sampler.id} draws Brownian-tree noise, which the a1111 and comfyui noise conventions define, ` +
      'not diffusers'
    );
  }
  return undefined;
}

/** The noise sampler a run's sampler draws from, by the sampler, the noise convention and the σ its Brownian
 * tree spans (noiseSamplerFor; the engine's draws them ahead on a worker thread). */
export type NoiseFactory = (
  r: ResolvedToolSampler,
  noise: NoiseRunSpec,
  treeSigmas: readonly number[],
) => NoiseSampler | undefined;

export function prepareToolRun(given: ToolRunSpec, makeNoise: NoiseFactory = noiseSamplerFor): ToolRun {
  const { resolved: r } = given;
  // Each tool rounds its σ table its own way.
  const table = sigmaTable(given.alphasCumprod, r.tool);
  if (given.sigmas && !takesSigmaList(r)) {
    throw new RangeError(`${r.a1111Sampler ?? r.comfySampler} takes no σ list: give steps instead`);
  }
  const problem = noiseProblem(r, given.noise.convention);
  if (problem) throw new RangeError(problem);
  const { sigmas, treeSigmas, noiseSigma } = runSigmas(given, table);
  // The seed's noise: x_T's; ComfyUI's inpainting noises the kept region with the same, and A1111's latent
  // noise fills the masked part with it.
  const noise = initialNoise(given.noise);
  const spec = withMaskedContent(given, noise);
  const x = startLatents(spec, noise, sigmas, table, noiseSigma);
  const options: SamplerOptions = {
    ...r.options,
    noiseSampler: sigmas.length ? makeNoise(r, spec.noise, treeSigmas) : undefined,
    alphasCumprod: r.sampler.id === 'uni_pc_a1111' ? spec.alphasCumprod : undefined,
  };
  const inpaint = spec.init?.mask && inpainting(spec, spec.init.mask, noise);
  return { resolved: r, table, sigmas, x, options, finalScale: finalLatentScale(r, sigmas), inpaint };
}

/** The spec with A1111's masked content applied to its init latents; as it is for original content. */
function withMaskedContent(spec: ToolRunSpec, noise: Float32Array): ToolRunSpec {
  const { init } = spec;
  const content = init?.maskedContent ?? 'original';
  if (!init || content === 'original') return spec;
  if (spec.resolved.tool !== 'a1111' || !init.mask) {
    throw new RangeError(
      `masked content "${content}" is A1111's inpainting option: it needs a mask and an A1111 sampler`,
    );
  }
  const [, height, width] = spec.noise.imageShape;
  if (init.mask.length !== height * width || init.latents.length !== noise.length) {
    throw new RangeError('the inpainting mask or the init latents do not fit the run');
  }
  return { ...spec, init: { ...init, latents: a1111MaskedContent(init.latents, init.mask, noise, content) } };
}

/** The tool's inpainting for the run: ComfyUI's KSamplerX0Inpaint, or A1111's blends (a1111Inpaint.ts). */
function inpainting(spec: ToolRunSpec, mask: Float32Array, noise: Float32Array): ToolInpaint {
  const [, height, width] = spec.noise.imageShape;
  if (mask.length !== height * width) {
    throw new RangeError(`the inpainting mask has ${mask.length} values, not one per latent cell (${width}×${height})`);
  }
  const latents = spec.init!.latents;
  return spec.resolved.tool === 'comfyui'
    ? { tool: 'comfyui', mask, latents, noise }
    : { tool: 'a1111', mask, latents };
}

/** The σ the run samples, those its Brownian tree spans and the init image's noise level. */
function runSigmas(spec: ToolRunSpec, table: SigmaTable): Omit<ToolImageSigmas, 'beginIndex'> {
  const { resolved: r, init } = spec;
  if (init) {
    if (!startsFromImage(r)) {
      throw new RangeError(`${r.a1111Sampler ?? r.comfySampler} does not start from an init image yet`);
    }
    return toolImageSigmas(r, table, spec.steps, init.strength, spec.scheduleContext);
  }
  const sigmas = spec.sigmas ? [...spec.sigmas] : toolSigmas(r, table, spec.steps, spec.scheduleContext);
  return { sigmas, treeSigmas: sigmas };
}

/** x_T: the seed's noise × the tool's factor, added to the init image's latents where there are any (A1111's
 * x + noise·σ₀, ComfyUI's noise_scaling over the latent); the latents alone where no step is left. */
function startLatents(
  spec: ToolRunSpec,
  noise: Float32Array,
  sigmas: number[],
  table: SigmaTable,
  noiseSigma?: number,
): Float32Array {
  const { init } = spec;
  if (init && init.latents.length !== spec.noise.imageShape.reduce((a, b) => a * b, spec.noise.batchSize)) {
    throw new RangeError(`the init latents have ${init.latents.length} values, not the run's latent size`);
  }
  if (init && noiseSigma !== undefined) return epsSpaceStart(init.latents, noise, sigmas, noiseSigma);
  if (sigmas.length === 0) return Float32Array.from(init!.latents);
  const scale = initialNoiseScale(spec.resolved, sigmas, table);
  return init ? noise.map((v, i) => init.latents[i] + v * scale) : noise.map((v) => v * scale);
}

/** A1111's DDIM, PLMS and UniPC from an init image: √ᾱ·x + √(1 − ᾱ)·noise at the noise level σ
 * (ᾱ = 1/(1 + σ²)), in ε-space, then in the sampler's σ-space at its first σ (×√(1 + σ₀²)); with no σ to
 * sample, the ε-space latents themselves, which A1111 decodes (still noisy: its quirk below two steps). */
function epsSpaceStart(latents: Float32Array, noise: Float32Array, sigmas: number[], sigma: number): Float32Array {
  const alpha = 1 / (1 + sigma * sigma);
  const [a, b] = [Math.sqrt(alpha), Math.sqrt(1 - alpha)];
  const toSigmaSpace = sigmas.length ? Math.sqrt(1 + sigmas[0] * sigmas[0]) : 1;
  return latents.map((v, i) => (a * v + b * noise[i]) * toSigmaSpace);
}

export const noiseSamplerFor: NoiseFactory = (r, noise, sigmas) => {
  if (r.sampler.noise === 'none') return undefined;
  if (r.sampler.noise === 'gaussian') return ancestralNoiseSampler(noise);
  const [sigmaMin, sigmaMax] = treeRange(sigmas);
  return brownianTreeNoiseSampler({ ...noise, sigmaMin, sigmaMax });
};

/** The σ range a Brownian tree over `sigmas` spans: the smallest above 0 to the largest. */
export function treeRange(sigmas: readonly number[]): [number, number] {
  const positive = sigmas.filter((s) => s > 0);
  const [sigmaMin, sigmaMax] = [Math.min(...positive), Math.max(...sigmas)];
  // As in both tools, where torchsde refuses a tree from a time to itself.
  if (!(sigmaMin < sigmaMax)) {
    const steps = sigmas.length - 1;
    throw new RangeError(
      `its Brownian-tree noise runs from the smallest σ above 0 to the largest, and ${steps} step${steps === 1 ? '' : 's'} ` +
        `of this schedule give${steps === 1 ? 's' : ''} one σ (${sigmaMax}): give more steps`,
    );
  }
  return [sigmaMin, sigmaMax];
}

/** The UNet timestep the tool gives the model at σ: A1111 (k-diffusion's DiscreteEpsDDPMDenoiser) the
 * fractional t of `sigmaToT`; ComfyUI (ModelSamplingDiscrete.timestep) the nearest integer timestep. */
export function toolTimestep(run: Pick<ToolRun, 'resolved' | 'table'>, sigma: number): number {
  return run.resolved.tool === 'a1111' ? sigmaToT(run.table, sigma) : nearestTimestep(run.table, sigma);
}

/** Runs the sampler to the latents the tool decodes with `denoise` as the model (tests, benchmarks). */
export function sampleToolRun(run: ToolRun, denoise: Denoiser, callback?: StepCallback): Float32Array {
  return runWith(toolSampling(run, callback), denoise);
}

/** The run's sampling to the latents the tool decodes, its model calls left to the caller (the engine
 * answers them with the UNet); A1111 blends the result with the init latents by the mask. */
export function* toolSampling(run: ToolRun, callback?: StepCallback): Sampling<Float32Array> {
  const out = yield* sampled(run, callback);
  return run.inpaint?.tool === 'a1111' ? a1111Blend(out, run.inpaint) : out;
}

function* sampled(run: ToolRun, callback?: StepCallback): Sampling<Float32Array> {
  if (run.sigmas.length === 0) return run.x;
  const model = inpaintModel(run, askModel);
  const out = yield* run.resolved.sampler.run(model, run.x, run.sigmas, { ...run.options, callback });
  return run.finalScale === 1 ? out : out.map((v) => v * run.finalScale);
}

/** The model call with the run's inpainting around it. */
function inpaintModel({ inpaint, resolved }: ToolRun, denoise: ModelStep): ModelStep {
  if (!inpaint) return denoise;
  if (inpaint.tool === 'comfyui') return comfyInpaintDenoiser(denoise, inpaint);
  return inEpsSpace(resolved) ? a1111InputBlendDenoiser(denoise, inpaint) : a1111InpaintDenoiser(denoise, inpaint);
}

/** What to work out while the model runs at σ: at σ = sigmas[i], the noise for σ → sigmas[i + 1], which the
 * ancestral and SDE samplers ask for after that call (DPM++ SDE also at a σ between). A wrong guess only
 * costs time: the noise samplers give the same values with or without it. */
export function noisePrefetch(run: ToolRun): (sigma: number) => void {
  const prefetch = run.options.noiseSampler?.prefetch;
  if (!prefetch) return () => undefined;
  return (sigma) => {
    const at = run.sigmas.indexOf(sigma);
    const next = run.sigmas[at + 1];
    if (at >= 0 && next > 0) prefetch(sigma, next);
  };
}
