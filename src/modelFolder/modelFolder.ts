// Reads a diffusers/Optimum ONNX model folder (in the engine to load it, in the host to list it): which components it has, their configs, and a
// signature of its files so cached sessions are reloaded when anything changes.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { SD1_LATENT_RGB, SDXL_LATENT_RGB, type LatentRgbFactors } from '../core/image/latentPreview';
import { classNameOf } from '../protocol/run';

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
    vaeDecoder?: string;
    /** A TAESD decoder for cheap previews, when the folder has one. */
    taesdDecoder?: string;
  };
  schedulerConfig: Record<string, unknown>;
  /** unet/config.json sample_size (latent or pixel side), when given. */
  sampleSize?: number;
  /** VAE scaling factor from vae_decoder/config.json (SD 0.18215, SDXL 0.13025). */
  scalingFactor: number;
  /** Pixels per latent cell (8 for SD). */
  vaeScale: number;
  latentRgb?: LatentRgbFactors;
  /** The guidance scale the model's author recommends (`_diffusion_lab.guidance_scale` in model_index.json). */
  guidanceScale?: number;
}

/** diffusers' StableDiffusionPipeline default, for requests and models that name none. */
export const DEFAULT_GUIDANCE = 7.5;

/** Component folders a TAESD decoder is found under, in order of preference. */
const TAESD_DIRS = ['taesd_decoder', 'taesd', 'vae_decoder_tiny'];

export function readModelFolder(dir: string): ModelFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelFolderError(`model folder ${dir} does not exist`, dir);
  }
  const index = readJson(join(dir, 'model_index.json'), false) ?? {};
  const unet = requireFile(dir, 'unet/model.onnx');
  const schedulerConfig = readJson(join(dir, 'scheduler', 'scheduler_config.json'), true)!;
  const unetConfig = readJson(join(dir, 'unet', 'config.json'), false) ?? {};
  const sampleSize = typeof unetConfig.sample_size === 'number' ? unetConfig.sample_size : undefined;
  const pipelineClass = classNameOf(index) ?? 'OnnxStableDiffusionPipeline';
  const guidanceScale = labGuidance(index, join(dir, 'model_index.json'));
  const hasText = 'text_encoder' in index || existsSync(join(dir, 'text_encoder'));
  if (!hasText) {
    return { dir, name: basename(dir), kind: 'unconditional', pipelineClass, files: { unet }, schedulerConfig, sampleSize, scalingFactor: 1, vaeScale: 1, guidanceScale };
  }
  const textEncoder = requireFile(dir, 'text_encoder/model.onnx');
  const vaeDecoder = requireFile(dir, 'vae_decoder/model.onnx');
  const tokenizerDir = join(dir, 'tokenizer');
  if (!existsSync(tokenizerDir)) {
    throw new ModelFolderError(`missing ${tokenizerDir} (the prompt tokenizer)`, tokenizerDir);
  }
  const vaeConfig = readJson(join(dir, 'vae_decoder', 'config.json'), false) ?? {};
  const blocks = Array.isArray(vaeConfig.block_out_channels) ? vaeConfig.block_out_channels.length : 4;
  const taesdDir = TAESD_DIRS.find((d) => existsSync(join(dir, d, 'model.onnx')));
  return {
    dir,
    name: basename(dir),
    kind: 'text2img',
    pipelineClass,
    files: { unet, textEncoder, tokenizerDir, vaeDecoder, taesdDecoder: taesdDir && join(dir, taesdDir, 'model.onnx') },
    schedulerConfig,
    sampleSize,
    // Optimum falls back to 8 without scaling_factor, which is wrong for SD; diffusers' default is 0.18215.
    scalingFactor: typeof vaeConfig.scaling_factor === 'number' ? vaeConfig.scaling_factor : 0.18215,
    vaeScale: 2 ** (blocks - 1),
    latentRgb: latentRgbFor(vaeConfig, pipelineClass),
    guidanceScale,
  };
}

/** The guidance a run uses when its request names none: the model's recommendation, else diffusers'. */
export function defaultGuidance(folder: ModelFolder): number {
  return folder.guidanceScale ?? DEFAULT_GUIDANCE;
}

/** Our own settings live under `_diffusion_lab`, a key diffusers ignores (it skips keys starting
 * with `_`). A bad value is refused rather than ignored: the author asked for a scale, and running
 * silently at another one would look like a worse model. */
function labGuidance(index: Record<string, unknown>, indexPath: string): number | undefined {
  const lab = index._diffusion_lab;
  if (lab === undefined) return undefined;
  const bad = (what: string) => new ModelFolderError(`${indexPath}: ${what}`, indexPath);
  if (!lab || typeof lab !== 'object' || Array.isArray(lab)) throw bad(`"_diffusion_lab" must be an object, not ${JSON.stringify(lab)}`);
  const g = (lab as Record<string, unknown>).guidance_scale;
  if (g === undefined) return undefined;
  if (typeof g !== 'number' || !Number.isFinite(g) || g < 1) {
    throw bad(`"_diffusion_lab.guidance_scale" must be a number ≥ 1 (1 turns guidance off), not ${JSON.stringify(g)}`);
  }
  return g;
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

/** A short fingerprint of the UNet: the first 10 hex digits of SHA-256 over its graph file's size
 * and first and last MiB (hashing gigabytes on every load would cost seconds). */
export function modelHash(folder: ModelFolder): string {
  const fd = openSync(folder.files.unet, 'r');
  try {
    const size = fstatSync(fd).size;
    const chunk = Math.min(size, 1 << 20);
    const head = Buffer.alloc(chunk);
    const tail = Buffer.alloc(chunk);
    readSync(fd, head, 0, chunk, 0);
    readSync(fd, tail, 0, chunk, size - chunk);
    return createHash('sha256').update(String(size)).update(head).update(tail).digest('hex').slice(0, 10);
  } finally {
    closeSync(fd);
  }
}

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

function requireFile(dir: string, rel: string): string {
  const p = join(dir, rel);
  if (!existsSync(p)) throw new ModelFolderError(`missing ${p}`, p);
  return p;
}

export function readJson(path: string, required: boolean): Record<string, unknown> | undefined {
  if (!existsSync(path)) {
    if (required) throw new ModelFolderError(`missing ${path}`, path);
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    throw new Error('expected a JSON object');
  } catch (err) {
    throw new ModelFolderError(`${path} is not valid JSON: ${(err as Error).message}`, path);
  }
}
