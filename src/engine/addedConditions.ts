// The UNet inputs some families take besides sample, timestep and encoder_hidden_states, one row per
// row of the UNet batch ([uncond × batch, text × batch] when guidance runs):
// - SDXL (diffusers v0.35.2 pipeline_stable_diffusion_xl.py, _get_add_time_ids): `text_embeds`, the
//   second encoder's pooled projection, and `time_ids` = original size (h, w) + crop top-left (top, left)
//   + target size (h, w), the same for the negative rows; an SDXL refiner
//   (pipeline_stable_diffusion_xl_img2img.py, requires_aesthetics_score) takes an aesthetic score in place
//   of the target size: 6 for the prompt's rows, 2.5 for the negative prompt's (the pipeline's defaults);
// - LCM (pipeline_latent_consistency_text2img.py, get_guidance_scale_embedding): `timestep_cond`, the
//   sinusoidal embedding of w = g − 1, scaled by 1000, in the width the UNet's input takes.
import type { Tensor } from '../core/tensor/tensor';
import type { RunSpec } from '../protocol/run';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';
import type { EncodedText } from './textEncoding';

export type AddedConditions = Record<string, Tensor<Float32Array>>;

/** The family's extra UNet inputs for `rows` rows; {} for SD 1.x/2.x. */
export function addedConditions(
  s: ModelSessions,
  spec: SizedSpec,
  text: EncodedText | undefined,
  rows: number,
): AddedConditions {
  const added: AddedConditions = {};
  const takes = (name: string) => s.unet.inputs.some((i) => i.name === name);
  if (takes('text_embeds')) {
    if (!text?.pooled) {
      throw new EngineFailure('MODEL_INVALID', `${s.unet.label} takes text_embeds, but no text_encoder_2 gives them`);
    }
    added.text_embeds = text.pooled;
  }
  if (takes('time_ids')) {
    added.time_ids =
      s.family.family === 'sdxl-refiner'
        ? refinerTimeIds(spec, text?.uncond ? rows / 2 : 0, rows)
        : repeated(timeIds(spec), rows);
  }
  if (takes('timestep_cond')) {
    added.timestep_cond = repeated(guidanceEmbedding(spec.guidanceScale - 1, condWidth(s)), rows);
  }
  return added;
}

/** A spec with its size and guidance resolved. */
export type SizedSpec = RunSpec & { width: number; height: number; guidanceScale: number };

/** SDXL's micro-conditioning in diffusers' order; each part defaults as the pipeline does. */
export function timeIds(spec: SizedSpec): number[] {
  const original = spec.originalSize ?? spec;
  const target = spec.targetSize ?? spec;
  const crop = spec.cropTopLeft ?? { x: 0, y: 0 };
  return [original.height, original.width, crop.y, crop.x, target.height, target.width];
}

/** diffusers' aesthetic_score and negative_aesthetic_score defaults. */
const AESTHETIC_SCORE = { prompt: 6, negative: 2.5 } as const;

/** The refiner's time_ids: original size, crop, aesthetic score; the first `negativeRows` rows are the
 * negative prompt's. */
function refinerTimeIds(spec: SizedSpec, negativeRows: number, rows: number): Tensor<Float32Array> {
  const sizeAndCrop = timeIds(spec).slice(0, 4);
  const data = new Float32Array(rows * 5);
  for (let r = 0; r < rows; r++) {
    const score = r < negativeRows ? AESTHETIC_SCORE.negative : AESTHETIC_SCORE.prompt;
    data.set([...sizeAndCrop, score], r * 5);
  }
  return { data, shape: [rows, 5] };
}

/** diffusers' get_guidance_scale_embedding(w, embedding_dim) for one w, in float32 as the pipeline runs it. */
export function guidanceEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const f = Math.fround;
  const step = f(f(Math.log(10000)) / (half - 1));
  const scaled = f(f(w) * 1000);
  const out = new Float32Array(dim); // an odd width ends in a zero, as diffusers pads it
  for (let i = 0; i < half; i++) {
    const arg = f(scaled * f(Math.exp(f(-i * step))));
    out[i] = Math.sin(arg);
    out[half + i] = Math.cos(arg);
  }
  return out;
}

/** The guidance embedding's width: the UNet's timestep_cond input, fixed by the export (time_cond_proj_dim). */
function condWidth(s: ModelSessions): number {
  const width = s.unet.input('timestep_cond').shape[1];
  if (typeof width !== 'number' || width < 2) {
    const why = 'a fixed width (time_cond_proj_dim) is needed';
    throw new EngineFailure('MODEL_INVALID', `${s.unet.label} takes timestep_cond of width ${width}; ${why}`);
  }
  return width;
}

function repeated(row: ArrayLike<number>, rows: number): Tensor<Float32Array> {
  const data = new Float32Array(rows * row.length);
  for (let r = 0; r < rows; r++) data.set(row, r * row.length);
  return { data, shape: [rows, row.length] };
}
