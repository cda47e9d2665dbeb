// Messages between the engine process (src/engine/engineMain.ts) and its clients (extension host,
// CLI). Tensors and images travel as typed arrays over Node's 'advanced' IPC serialization, so they
// arrive as binary, never as JSON number lists.
import type { RunSpec } from './run';

/** Execution provider choice; 'auto' tries the platform's providers in order. */
export type ProviderName = 'auto' | 'cuda' | 'webgpu' | 'dml' | 'coreml' | 'cpu';
export const PROVIDER_NAMES: readonly ProviderName[] = ['auto', 'cuda', 'webgpu', 'dml', 'coreml', 'cpu'];

/** What a per-step preview shows: nothing, the linear latent→RGB approximation of x̂0, a full VAE
 * decode of x̂0, or a TAESD decode (when the model folder has one). */
export type PreviewKind = 'none' | 'latent' | 'vae' | 'taesd';

/** How the engine runs a spec (not part of what the run makes, so not in its record). */
export interface RunOptions {
  provider?: ProviderName;
  /** Step events come every step (to a client that listens); every `every` steps (and at the last) they
   * carry a preview of this kind and the captured latents. Default { every: 1, kind: 'none' }; every 0:
   * never. */
  preview?: { every: number; kind: PreviewKind };
  /** Put x_t and x̂0 into step events (copies; costs IPC bandwidth). */
  captureLatents?: boolean;
  /** Also return the final latents and the decoded float image (for parity checks: CLI --dump). */
  returnTensors?: boolean;
}

export interface GenerateRequest {
  /** What to make; its seed is already drawn (never RANDOM_SEED). */
  spec: RunSpec;
  options: RunOptions;
  /** The decoded pixels of spec.initImage and spec.mask: the host reads the files (the engine may run
   * where the paths mean nothing), so the spec keeps the paths and the record their hashes. */
  images?: RunImages;
}

/** An image as the host decoded it: width·height·4 bytes, RGBA. */
export interface RgbaPixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface RunImages {
  init?: RgbaPixels;
  mask?: RgbaPixels;
}

/** The SDXL refiner stage of a run (RunInfo.refiner): which model, where it took over, the steps of each stage. */
export interface RefinerRunInfo {
  dir: string;
  name: string;
  /** modelHash of the refiner folder (A1111's "Refiner: name [first 10 hex digits]"). */
  hash: string;
  switchAt: number;
  /** UNet calls of the base and of the refiner (diffusers' split of the one schedule). */
  baseSteps: number;
  refinerSteps: number;
}

/** How a run with an init image started from it (RunInfo.image). */
export interface ImageRunInfo {
  /** The init image's own size, before the resize rule. */
  sourceWidth: number;
  sourceHeight: number;
  /** How it was brought to the run's size: A1111's "Just resize" (stretch, Lanczos-3), or for inpaint area
   * "only masked" the mask's region cut and fitted there, the result pasted back at the source's size. */
  resize: 'stretch-lanczos3' | 'only-masked';
  /** How the encoder's output became the latent: its own latent, one it drew inside its graph (Optimum
   * 1.22: not from the run's seed, so not reproducible), the posterior mean, or a seeded sample. */
  latent: 'encoder-output' | 'graph-sample' | 'posterior-mean' | 'posterior-sample';
  /** 'img2img', 'inpaint' (4-channel UNet, blended after every step), 'inpaint-unet' (9-channel), 'invert'. */
  mode: 'img2img' | 'inpaint' | 'inpaint-unet' | 'invert';
  /** The strength as run, and the index of the first timestep taken (diffusers' t_start · order). */
  strength: number;
  beginIndex: number;
  /** Sampling steps run: the schedule from beginIndex on (A1111 also runs int(steps · strength)). */
  stepsRun?: number;
  /** Inversion: PSNR (dB) of the regenerated image against the (resized) input. */
  psnr?: number;
}

export interface PreviewImage {
  width: number;
  height: number;
  /** width·height·4 bytes, RGBA. */
  rgba: Uint8Array;
}

export interface StepEvent {
  /** 0-based index of the step just taken. */
  step: number;
  totalSteps: number;
  /** Scheduler timestep of this step. */
  t: number;
  /** σ = √((1−ᾱ)/ᾱ) of the sample the UNet saw at this step (scheduler.sigmaAt(t)). */
  sigma: number;
  /** [batch, channels, height, width] of x_t and x̂0. */
  latentShape: number[];
  /** x_{t-1} after this step, when captureLatents (only at the preview cadence). */
  xt?: Float32Array;
  /** The denoised estimate x̂0 at this step, when captureLatents (only at the preview cadence). */
  x0?: Float32Array;
  /** Root mean square of the guided model output (the noise estimate, for ε-prediction). */
  noiseNorm?: number;
  preview?: PreviewImage;
}

export interface ImageOut extends PreviewImage {
  /** The encoded PNG, pixels only: the host adds the run's metadata (src/png/pngText.ts). */
  png: Uint8Array;
}

export interface RunTimings {
  /** Model folder load + session creation; 0 when the sessions were cached. */
  loadMs: number;
  textEncoderMs: number;
  /** Wall time of each step: UNet (all batch/guidance halves), guidance, scheduler step, preview, event. */
  unetStepMs: number[];
  /** Time inside session.run of each UNet step, to separate sampler overhead. */
  unetRunMs: number[];
  vaeMs: number;
  /** The VAE encoder (init image, masked image), with its load the first time; 0 without an init image. */
  vaeEncoderMs?: number;
  /** Load, text encoding, steps, decode and PNG encoding, measured by the engine. */
  totalMs: number;
}

/** Spec fields a run may take from its model. */
export type DefaultedField = 'steps' | 'guidanceScale' | 'width' | 'height';

/** The model folder's family as the engine recognised it (src/core/model/modelFamily.ts). */
export interface FamilyInfo {
  /** 'sd1', 'sd2', 'sd2-v', 'sdxl', 'sdxl-turbo', 'sd-turbo', 'lcm', 'unconditional', … */
  family: string;
  /** Which Optimum exporter generation wrote the folder, e.g. 'optimum>=1.24'. */
  optimumGeneration: string;
  /** The scheduler config's prediction type: 'epsilon', 'v_prediction' or 'sample'. */
  predictionType: string;
  /** What the family is meant to run at; `scheduler` is the folder's own scheduler class. */
  recommended: { width: number; height: number; steps: number; guidance: number; scheduler: string };
  /** The spec fields this run left out and took from the model (guidance: the folder's
   * `_diffusion_lab.guidance_scale` first, then `recommended`). */
  defaulted: DefaultedField[];
}

/** What a tool-sampler run ran (RunSpec.toolSampler): the tool whose meaning the names had, our sampler,
 * the noise convention and the σ list handed to the sampler; and the names that run the same in each tool
 * (absent where a tool cannot). */
export interface ToolRunInfo {
  tool: 'a1111' | 'comfyui';
  sampler: string;
  noise: 'diffusers' | 'a1111' | 'comfyui';
  sigmas: number[];
  a1111?: { sampler: string; scheduleType: string };
  comfyui?: { samplerName: string; scheduler: string };
}

export interface RunInfo {
  /** The spec as it ran: guidance, size and steps resolved from the model where it left them out. */
  spec: RunSpec & Required<Pick<RunSpec, 'guidanceScale' | 'width' | 'height' | 'steps'>>;
  /** Image i's seed (spec.seed + i). */
  seeds: number[];
  /** The scheduler's effective config, `_class_name` included (with a tool sampler: the training schedule
   * and prediction type it read). */
  scheduler: Record<string, unknown>;
  /** Present when a tool sampler ran instead of the diffusers scheduler. */
  toolSampler?: ToolRunInfo;
  model: { dir: string; name: string; hash: string; kind: 'text2img' | 'unconditional' };
  /** The provider that actually ran (after any fallback). */
  provider: Exclude<ProviderName, 'auto'>;
  /** Providers tried before it and why each failed. */
  providerFallbacks: { provider: string; error: string }[];
  /** Absent in records of runs made before the engine recognised families. */
  family?: FamilyInfo;
  timings: RunTimings;
  /** Things the run went ahead despite, for the user to see (e.g. a scheduler config key the
   * class does not have, with the key it was probably meant to be). */
  warnings: string[];
  /** Prompt words the tokenizer could not represent (mapped to the unknown token). */
  unknownWords: string[];
  /** Prompt tokens the UNet could not take (it has a fixed context length), dropped; a warning says why. */
  truncatedTokens: number;
  /** The prompt's token count as A1111 counts it (BOS, EOS and padding left out); 0 without a text encoder. */
  promptTokens: number;
  /** Text-encoder windows the UNet saw per prompt (A1111's chunks of 75 tokens); 0 without a text encoder. */
  promptChunks: number;
  /** Runs with an init image: how it was used. */
  image?: ImageRunInfo;
  /** Runs with an SDXL refiner. */
  refiner?: RefinerRunInfo;
}

export interface GenerateResult {
  images: ImageOut[];
  info: RunInfo;
  /** With `returnTensors`: final latents (what the decoder gets, before ÷ scaling factor) and the
   * decoder's float output, NCHW. For pixel-space models both are the final sample. */
  tensors?: { latents: Float32Array; latentShape: number[]; image: Float32Array; imageShape: number[] };
}

/** The forward process of an image in a model's latent space (the forward view, issue #11):
 * z_t = signal·z_0 + noise·ε, z_0 the encoder's posterior mean of the image stretched to a multiple of
 * the latent factor, ε drawn from `seed` in z_0's shape as torch.randn draws it. */
export interface ForwardLatentRequest {
  modelDir: string;
  provider?: ProviderName;
  image: RgbaPixels;
  /** Names the image, so a series of requests (a moving slider) encodes it once. */
  imageKey: string;
  seed: number;
  /** One per picture: √ᾱ_t and √(1 − ᾱ_t) (NoiseLevel.signal, .noise). */
  levels: { signal: number; noise: number }[];
}

/** The forward view's limits; its seed is any 32-bit one, as torch's generator keeps the low 32 bits. */
export const FORWARD_LATENT_LIMITS = { levels: 16, side: 1024, seed: 2 ** 32 - 1 } as const;

export interface ForwardLatentResult {
  /** Each level's z_t through the VAE decoder. */
  images: PreviewImage[];
  /** Each level's z_t as the linear latent→RGB preview, at the latent's size. */
  previews: PreviewImage[];
  /** [1, C, h, w] of z_0. */
  latentShape: number[];
}

/** Why a request failed; `EngineError.code` on the client side. */
export type EngineErrorCode =
  | 'MODEL_INVALID' // a missing or bad file in the model folder; the message names it
  | 'BAD_REQUEST' // invalid parameters (e.g. size not a multiple of 8)
  | 'CANCELLED'
  | 'ENGINE_EXITED' // the engine process died during the request
  | 'NAN_OUTPUT' // NaN/Inf in a model output; the message names the step
  | 'PROVIDER_FAILED' // an explicitly chosen provider could not start
  | 'OUT_OF_MEMORY'
  | 'INTERNAL';

export interface EngineErrorPayload {
  code: EngineErrorCode;
  message: string;
  /** The file concerned, when there is one. */
  file?: string;
  /** For NAN_OUTPUT: the step index. */
  step?: number;
  /** For BAD_REQUEST: the spec field the model refuses, where one is to blame (the CLI names its flag). */
  field?: keyof RunSpec;
}

/** A request of a generateTogether message. */
export interface GenerateMember {
  id: number;
  request: GenerateRequest;
  steps: boolean;
}

/** Client → engine. `id` pairs each request with its replies. */
export type ToEngine =
  /** `steps`: whether the client listens to step events; without, the engine sends none (each wakes the host,
   * which on two busy cores takes the UNet's time: 2.5 ms of a default-model image's 50). */
  | { type: 'generate'; id: number; request: GenerateRequest; steps: boolean }
  /** Requests run side by side, their UNet calls made as one where that pays (engine/unetLockstep.ts: a small
   * UNet on the CPU), else one after another: a sweep's cells of one model that differ by sampler. Each member
   * is answered as a `generate` is, as it ends. */
  | { type: 'generateTogether'; members: GenerateMember[] }
  | { type: 'cancel'; id: number }
  | { type: 'unload'; id: number; modelDir: string }
  | { type: 'forwardLatent'; id: number; request: ForwardLatentRequest }
  | { type: 'shutdown' };

/** Engine → client. */
export type FromEngine =
  | { type: 'ready'; pid: number }
  | { type: 'step'; id: number; event: StepEvent }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'result'; id: number; result: GenerateResult }
  | { type: 'unloaded'; id: number; freed: boolean }
  | { type: 'forwardLatentResult'; id: number; result: ForwardLatentResult }
  | { type: 'error'; id: number; error: EngineErrorPayload };
