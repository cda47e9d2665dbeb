// Latents → pixels: the full VAE decode at the end of a run, and the per-step previews of x̂0
// (linear latent→RGB, a full VAE decode, or TAESD).
import { latentToRgba } from '../core/image/latentPreview';
import { nchwToRgba, type PixelRange, type RgbaImage } from '../core/image/rgba';
import type { Tensor } from '../core/tensor/tensor';
import type { PreviewKind } from '../protocol/engine';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';
import type { OnnxModel } from './onnxModel';
import { allFinite } from './finite';
import { rowsPadded } from './batchRows';

/** Every image of the batch, full size, as RGBA and as the decoder's float output. */
export async function decodeImages(
  s: ModelSessions,
  latents: Tensor,
): Promise<{ images: RgbaImage[]; pixels: { data: Float32Array; dims: number[] } }> {
  const pixels = s.vaeDecoder
    ? await runDecoder(s.vaeDecoder, latents, 1 / s.folder.scalingFactor, s.folder.shiftFactor)
    : { data: f32(latents.data), dims: [...latents.shape] };
  const images = Array.from({ length: latents.shape[0] }, (_, i) => nchwToRgba(pixels.data, pixels.dims, i));
  return { images, pixels };
}

/** A preview of the first image's x̂0. TAESD takes the UNet's latents as they are and returns [0, 1]. */
export async function previewImage(
  s: ModelSessions,
  kind: Exclude<PreviewKind, 'none'>,
  x0: Tensor,
): Promise<RgbaImage> {
  const first: Tensor = { data: x0.data.subarray(0, x0.data.length / x0.shape[0]), shape: [1, ...x0.shape.slice(1)] };
  if (kind === 'latent' || !s.vaeDecoder) {
    return s.folder.latentRgb
      ? latentToRgba(f32(first.data), first.shape, s.folder.latentRgb)
      : nchwToRgba(f32(first.data), first.shape);
  }
  const [model, k, range]: [OnnxModel, number, PixelRange] =
    kind === 'taesd' ? [s.taesdDecoder!, 1, 'unit'] : [s.vaeDecoder, 1 / s.folder.scalingFactor, 'signed'];
  const pixels = await runDecoder(model, first, k, kind === 'taesd' ? 0 : s.folder.shiftFactor);
  return nchwToRgba(pixels.data, pixels.dims, 0, range);
}

/** diffusers decodes a float16 VAE whose config sets force_upcast in float32; an fp16 ONNX graph cannot be. */
const FP16_VAE_HINT =
  ': a float16 VAE overflows where diffusers upcasts it to float32 (force_upcast); ' +
  'export vae_decoder in float32, or use a VAE fixed for float16 (madebyollin/sdxl-vae-fp16-fix for SDXL)';

/** Runs a decoder on k·latents + shift (diffusers: z / scaling_factor + shift_factor), in the batch size
 * it takes (older exports decode one at a time). */
async function runDecoder(
  model: OnnxModel,
  latents: Tensor,
  k: number,
  shift = 0,
): Promise<{ data: Float32Array; dims: number[] }> {
  const [n, ...rest] = latents.shape;
  const input = model.inputs[0];
  const per = model.fixedBatch(input.name) ?? n;
  const plane = latents.data.length / n;
  const parts: Float32Array[] = [];
  let dims: number[] = [];
  for (let b = 0; b < n; b += per) {
    const data = Float32Array.from(rowsPadded(latents.data, plane, b, per), (v) => v * k + shift);
    const out = Object.values(await model.run({ [input.name]: { data, dims: [per, ...rest] } }))[0];
    // RGB images at least as large as the latents; anything else would become a garbage image.
    if (
      out.dims.length !== 4 ||
      out.dims[0] !== per ||
      out.dims[1] !== 3 ||
      out.dims[2] < rest[1] ||
      out.dims[3] < rest[2]
    ) {
      throw new EngineFailure(
        'MODEL_INVALID',
        `${model.label} returned shape ${out.dims.join('×')}, not ${per}×3×H×W images`,
        { file: model.label },
      );
    }
    const outPlane = out.data.length / per;
    const rows = out.data.subarray(0, Math.min(per, n - b) * outPlane);
    if (!allFinite(rows)) {
      throw new EngineFailure(
        'NAN_OUTPUT',
        `${model.label} returned NaN or Inf${input.type === 'float16' ? FP16_VAE_HINT : ''}`,
      );
    }
    parts.push(rows);
    dims = out.dims;
  }
  const data = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (data.set(p, at), at + p.length), 0);
  return { data, dims: [n, ...dims.slice(1)] };
}

function f32(data: Tensor['data']): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
