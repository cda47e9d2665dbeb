// Reads a diffusers/Optimum ONNX model folder (in the engine to load it, in the host to list it): which components it has, their configs, and a
// signature of its files so cached sessions are reloaded when anything changes.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { SD1_LATENT_RGB, SDXL_LATENT_RGB, type LatentRgbFactors } from '../core/image/latentPreview';
import { classNameOf, RUN_LIMITS } from '../protocol/run';
import { readJsonFile } from './jsonFile';

/** A missing or bad file in a model folder; the engine reports it as MODEL_INVALID naming `file`. */
export class ModelFolderError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

export interface ModelFolder {
  dir: string;
  name: string;
  /** text2img: text encoder + latent UNet + VAE decoder; unconditional: a pixel-space UNet alone. */
  kind: 'text2img' | 'unconditional';
  pipelineClass: string;
  files: {
    unet: string;
    textEncoder?: string;
    tokenizerDir?: string;
    /** SDXL's second text encoder (OpenCLIP ViT-bigG with projection) and its tokenizer. */
    textEncoder2?: string;
    tokenizer2Dir?: string;
    vaeDecoder?: string;
    /** A TAESD decoder for cheap previews, when the folder has one. */
    taesdDecoder?: string;
    /** The VAE encoder (image-to-image, inpainting, inversion), when the folder has one; opened only
     * by runs that start from an image. */
    vaeEncoder?: string;
  };
  schedulerConfig: Record<string, unknown>;
  /** unet/config.json sample_size (latent or pixel side), when given. */
  sampleSize?: number;
  /** VAE scaling factor from vae_decoder/config.json (SD 0.18215, SDXL 0.13025). */
  scalingFactor: number;
  /** VAE shift_factor (SD3, Flux): latents are (z − shift)·scale; 0 where the config has none. */
  shiftFactor: number;
  /** Pixels per latent cell (8 for SD). */
  vaeScale: number;
  latentRgb?: LatentRgbFactors;
  /** SDXL pipelines guide an empty negative prompt with zeros instead of its encoding (model_index.json
   * `force_zeros_for_empty_prompt`, true unless it says false: StableDiffusionXLPipeline's default). */
  forceZerosForEmptyPrompt: boolean;
  /** The guidance scale the model's author recommends (`_diffusion_lab.guidance_scale` in model_index.json). */
  guidanceScale?: number;
  /** The step count the model's author recommends (`_diffusion_lab.steps`); else the family's. */
  steps?: number;
}

/** diffusers' StableDiffusionPipeline default, for requests and models that name none. */
export const DEFAULT_GUIDANCE = 7.5;

/** Component folders a TAESD decoder is found under, in order of preference. */
const TAESD_DIRS = ['taesd_decoder', 'taesd', 'vae_decoder_tiny'];

export function readModelFolder(dir: string): ModelFolder {
  if (!existsSync(dir)) throw new ModelFolderError(`model folder ${dir} does not exist`, dir);
  if (!statSync(dir).isDirectory()) throw new ModelFolderError(`${dir} is a file, not a model folder`, dir);
  const index = readJson(join(dir, 'model_index.json'), false) ?? {};
  const unet = requireFile(dir, 'unet/model.onnx');
  const schedulerConfig = readJson(join(dir, 'scheduler', 'scheduler_config.json'), true)!;
  const unetConfig = readJson(join(dir, 'unet', 'config.json'), false) ?? {};
  const sampleSize = configInteger(unetConfig, 'sample_size', join(dir, 'unet', 'config.json'), 1, 1024);
  const pipelineClass = classNameOf(index) ?? 'OnnxStableDiffusionPipeline';
  const { guidanceScale, steps } = labSettings(index, join(dir, 'model_index.json'));
  const hasText = ['text_encoder', 'text_encoder_2'].some((c) => c in index || existsSync(join(dir, c)));
  if (!hasText) {
    return {
      dir,
      name: basename(dir),
      kind: 'unconditional',
      pipelineClass,
      files: { unet },
      schedulerConfig,
      sampleSize,
      scalingFactor: 1,
      shiftFactor: 0,
      vaeScale: 1,
      forceZerosForEmptyPrompt: false,
      guidanceScale,
      steps,
    };
  }
  // An SDXL refiner has only the second text encoder: the loader tells it apart and says what it is.
  const second = existsSync(join(dir, 'text_encoder_2'));
  const first = !second || existsSync(join(dir, 'text_encoder'));
  const textEncoder = first ? requireFile(dir, 'text_encoder/model.onnx') : undefined;
  const textEncoder2 = second ? requireFile(dir, 'text_encoder_2/model.onnx') : undefined;
  const vaeDecoder = requireFile(dir, 'vae_decoder/model.onnx');
  const tokenizerDir = first ? requireTokenizer(dir, 'tokenizer', 'the prompt tokenizer') : undefined;
  const tokenizer2Dir = second
    ? requireTokenizer(dir, 'tokenizer_2', "the second text encoder's tokenizer")
    : undefined;
  const vaeConfig = readJson(join(dir, 'vae_decoder', 'config.json'), false) ?? {};
  const vaePath = join(dir, 'vae_decoder', 'config.json');
  const blocks = vaeBlocks(vaeConfig, vaePath);
  const taesdDir = TAESD_DIRS.find((d) => existsSync(join(dir, d, 'model.onnx')));
  const vaeEncoder = join(dir, 'vae_encoder', 'model.onnx');
  return {
    dir,
    name: basename(dir),
    kind: 'text2img',
    pipelineClass,
    files: {
      unet,
      textEncoder,
      tokenizerDir,
      textEncoder2,
      tokenizer2Dir,
      vaeDecoder,
      taesdDecoder: taesdDir && join(dir, taesdDir, 'model.onnx'),
      vaeEncoder: existsSync(vaeEncoder) ? vaeEncoder : undefined,
    },
    schedulerConfig,
    sampleSize,
    // Optimum falls back to 8 without scaling_factor, which is wrong for SD; diffusers' default is 0.18215.
    scalingFactor: scalingFactor(vaeConfig, vaePath),
    shiftFactor: shiftFactor(vaeConfig, vaePath),
    vaeScale: 2 ** (blocks - 1),
    latentRgb: latentRgbFor(vaeConfig, pipelineClass),
    forceZerosForEmptyPrompt: index.force_zeros_for_empty_prompt !== false,
    guidanceScale,
    steps,
  };
}

/** The guidance a run uses when its request names none: the model's recommendation, else diffusers'. */
export function defaultGuidance(folder: ModelFolder): number {
  return folder.guidanceScale ?? DEFAULT_GUIDANCE;
}

/** Our own settings live under `_diffusion_lab`, a key diffusers ignores (it skips keys starting
 * with `_`). A bad value is refused rather than ignored: the author asked for a scale or a step count,
 * and running silently at another one would look like a worse model. */
function labSettings(index: Record<string, unknown>, indexPath: string): { guidanceScale?: number; steps?: number } {
  const lab = index._diffusion_lab;
  if (lab === undefined) return {};
  const bad = (what: string) => new ModelFolderError(`${indexPath}: ${what}`, indexPath);
  if (!lab || typeof lab !== 'object' || Array.isArray(lab))
    throw bad(`"_diffusion_lab" must be an object, not ${JSON.stringify(lab)}`);
  const { guidance_scale: g, steps } = lab as Record<string, unknown>;
  // diffusers guides only above 1; distilled models (SD-Turbo, SDXL-Turbo) state 0 for "guidance off".
  if (g !== undefined && (typeof g !== 'number' || !Number.isFinite(g) || g < 0)) {
    throw bad(`"_diffusion_lab.guidance_scale" must be a number ≥ 0 (0 or 1: guidance off), not ${JSON.stringify(g)}`);
  }
  const { min, max } = RUN_LIMITS.steps;
  if (steps !== undefined && !(typeof steps === 'number' && Number.isInteger(steps) && steps >= min && steps <= max)) {
    throw bad(`"_diffusion_lab.steps" must be a whole number from ${min} to ${max}, not ${JSON.stringify(steps)}`);
  }
  return { guidanceScale: g, steps };
}

/** mtime and size of every file in the folder's component folders: changes when any is replaced. */
export function folderSignature(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 2) walk(p, depth + 1);
      else if (e.isFile()) {
        const s = statSync(p);
        parts.push(`${relative(dir, p)}:${s.size}:${s.mtimeMs}`);
      }
    }
  };
  walk(dir, 0);
  return parts.sort().join('|');
}

/** The model's weights hash, as A1111's "Model hash" is the SHA-256 of the checkpoint file: SHA-256
 * over every regular file in unet/ except config.json (the graph and its external data, `.onnx_data`
 * or `weights.pb`, whose bytes alone hold the weights), in name order, read 1 MiB at a time so a
 * multi-gigabyte file is never held in memory. Remembered per process by the files' size and mtime. */
export function modelHash(folder: ModelFolder): string {
  const { files, key } = hashedFiles(folder);
  const known = hashes.get(key);
  if (known) return known;
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(1 << 20);
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  const digest = hash.digest('hex');
  hashes.set(key, digest);
  return digest;
}

/** What modelHash depends on, without reading the weights: the hashed files' paths, sizes and mtimes. */
export function modelHashKey(folder: ModelFolder): string {
  return hashedFiles(folder).key;
}

function hashedFiles(folder: ModelFolder): { files: string[]; key: string } {
  const dir = dirname(folder.files.unet);
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'config.json')
    .map((e) => join(dir, e.name))
    .sort();
  const key = files.map((f) => `${f}:${statSync(f).size}:${statSync(f).mtimeMs}`).join('|');
  return { files, key };
}

const hashes = new Map<string, string>();

/** Per-model preview factors: `latent_rgb_factors` (+ `latent_rgb_bias`) in vae_decoder/config.json
 * win; otherwise SDXL's for XL pipelines and SD 1.x's for other 4-channel latents. */
function latentRgbFor(vaeConfig: Record<string, unknown>, pipelineClass: string): LatentRgbFactors | undefined {
  if (Array.isArray(vaeConfig.latent_rgb_factors)) {
    // Taken as the file states them, like the folder's other config values.
    const factors = vaeConfig.latent_rgb_factors as LatentRgbFactors['factors'];
    return { factors, bias: vaeConfig.latent_rgb_bias as LatentRgbFactors['bias'] };
  }
  if ((vaeConfig.latent_channels ?? 4) !== 4) return undefined;
  return /XL/.test(pipelineClass) ? SDXL_LATENT_RGB : SD1_LATENT_RGB;
}

/** A whole-number config key within [min, max]; undefined when the config leaves it out. */
function configInteger(
  config: Record<string, unknown>,
  key: string,
  path: string,
  min: number,
  max: number,
): number | undefined {
  const v: unknown = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ModelFolderError(
      `${path}: "${key}" must be a whole number from ${min} to ${max}, not ${JSON.stringify(v)}`,
      path,
    );
  }
  return v;
}

/** Levels of the VAE: each but the first halves the resolution, so 2^(levels − 1) pixels a latent
 * cell. Real VAEs have 2 to 5 (SD: 4); 7 already means 64 pixels a cell. */
function vaeBlocks(config: Record<string, unknown>, path: string): number {
  const blocks: unknown = config.block_out_channels;
  if (blocks === undefined) return 4;
  if (!Array.isArray(blocks) || blocks.length < 1 || blocks.length > 7) {
    throw new ModelFolderError(`${path}: "block_out_channels" must be a list of 1 to 7 channel counts`, path);
  }
  return blocks.length;
}

/** diffusers' default is 0.18215; Optimum falls back to 8 without the key, which is wrong for SD. */
function scalingFactor(config: Record<string, unknown>, path: string): number {
  const v: unknown = config.scaling_factor;
  if (v === undefined) return 0.18215;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1000) {
    throw new ModelFolderError(
      `${path}: "scaling_factor" must be a positive number (SD 0.18215, SDXL 0.13025), not ${JSON.stringify(v)}`,
      path,
    );
  }
  return v;
}

/** diffusers' AutoencoderKL shift_factor: null or absent (SD 1.x, SDXL) means none. */
function shiftFactor(config: Record<string, unknown>, path: string): number {
  const v: unknown = config.shift_factor;
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ModelFolderError(
      `${path}: "shift_factor" must be a number (SD3 0.0609, Flux 0.1159), not ${JSON.stringify(v)}`,
      path,
    );
  }
  return v;
}

/** Configs are a few kilobytes (tokenizer.json a few megabytes); the cap keeps a huge file from exhausting
 * memory. A config nests 2 levels, tokenizer.json 4. */
const MAX_CONFIG_BYTES = 4_000_000;
const MAX_CONFIG_NESTING = 32;

function requireTokenizer(dir: string, name: string, what: string): string {
  const p = join(dir, name);
  if (!existsSync(p)) throw new ModelFolderError(`missing ${p} (${what})`, p);
  return p;
}

function requireFile(dir: string, rel: string): string {
  const p = join(dir, rel);
  if (!existsSync(p)) throw new ModelFolderError(`missing ${p}`, p);
  if (!statSync(p).isFile()) throw new ModelFolderError(`${p} is not a regular file`, p);
  return p;
}

export function readJson(path: string, required: boolean): Record<string, unknown> | undefined {
  if (!existsSync(path)) {
    if (required) throw new ModelFolderError(`missing ${path}`, path);
    return undefined;
  }
  let value: unknown;
  try {
    value = readJsonFile(path, MAX_CONFIG_BYTES, MAX_CONFIG_NESTING);
  } catch (err) {
    throw new ModelFolderError((err as Error).message, path);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ModelFolderError(`${path} is not a JSON object`, path);
}
