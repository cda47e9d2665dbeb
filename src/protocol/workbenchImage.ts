// The workbench's image inputs (issue #11): an init image, its strength, a mask painted in the panel
// (or loaded from a file) and DDIM inversion. The webview names the init image by the id the host
// gave it, never by path; a painted mask travels as PNG bytes. The same check runs in the webview,
// to name a bad value under its field, and on the host, because a webview's message is untrusted.
import { A1111_MASKED_CONTENT, type A1111MaskedContent } from '../core/kdiffusion/a1111Inpaint';
import { COMFY_INPAINT_NODES, type ComfyInpaintNode } from '../core/kdiffusion/comfyInpaint';
import {
  DEFAULT_GROW_MASK_BY,
  DEFAULT_MASK_PADDING,
  DEFAULT_STRENGTH,
  INPAINT_AREAS,
  RUN_LIMITS,
  type InpaintArea,
  type RunSpec,
} from './run';

/** What the run does with the init image: start from it, repaint the masked part, or invert it. */
export type ImageMode = 'img2img' | 'inpaint' | 'invert';
export const IMAGE_MODES: readonly ImageMode[] = ['img2img', 'inpaint', 'invert'];

/** The image inputs as typed (numbers may still be text, so a bad value can be named). */
export interface ImageInputForm {
  /** The init image the host registered ('initImage' message). */
  initImageId: string;
  mode: ImageMode;
  strength: string;
  /** Mask blur σ in pixels; only read in 'inpaint' mode. */
  maskBlur: string;
  /** A1111's masked content; only read in 'inpaint' mode (the engine takes it with an A1111 sampler). */
  maskedContent: A1111MaskedContent;
  /** A1111's inpaint area and its "Only masked" padding in pixels; only read in 'inpaint' mode. */
  inpaintArea: InpaintArea;
  maskPadding: string;
  /** ComfyUI's inpainting node; only read in 'inpaint' mode (the engine takes it with a ComfyUI sampler). */
  inpaintNode: ComfyInpaintNode;
  /** VAEEncodeForInpaint's grow_mask_by in pixels; only read with that node. */
  growMaskBy: string;
  /** 'inpaint' mode: a PNG of the init image's size, white where the model repaints. */
  mask?: Uint8Array;
}

export type ImageInputField = 'initImage' | 'strength' | 'maskBlur' | 'maskPadding' | 'growMaskBy' | 'mask';
export type ImageInputErrors = Partial<Record<ImageInputField, string>>;

/** An init image the host holds: what the webview shows and checks a mask against. */
export interface InitImageInfo {
  id: string;
  /** The file's name. */
  label: string;
  width: number;
  height: number;
  /** The file's bytes (PNG or JPEG), to show it. */
  bytes: Uint8Array;
  mime: 'image/png' | 'image/jpeg';
}

/** A run's image fields, as the spec holds them. */
export type RunImageFields = Pick<
  RunSpec,
  | 'initImage'
  | 'strength'
  | 'mask'
  | 'maskBlur'
  | 'maskedContent'
  | 'inpaintArea'
  | 'maskPadding'
  | 'inpaintNode'
  | 'growMaskBy'
  | 'invert'
>;

/** The RunSpec fields an image input gives, without the files' paths (the host adds them). */
export type ImageSpecFields = Pick<
  RunSpec,
  'strength' | 'maskBlur' | 'maskedContent' | 'inpaintArea' | 'maskPadding' | 'inpaintNode' | 'growMaskBy' | 'invert'
>;

/** Largest PNG of a painted mask the host takes (a 4096² mask compresses far below this). */
export const MAX_MASK_BYTES = RUN_LIMITS.imageFileBytes;

/** Checks the typed values; `fields` is set only when there is no error. A mask's pixels are the
 * host's to check (it decodes the PNG); here only that inpainting has one. */
export function validateImageInput(input: ImageInputForm): { fields?: ImageSpecFields; errors: ImageInputErrors } {
  const errors: ImageInputErrors = {};
  if (input.initImageId === '') errors.initImage = 'Choose an init image first.';
  const real = (
    field: 'strength' | 'maskBlur' | 'maskPadding' | 'growMaskBy',
    label: string,
    raw: string,
    { min, max }: { min: number; max: number },
  ) => {
    const v = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
      errors[field] = `${label} must be a number from ${min} to ${max}${raw.trim() ? `, not "${raw.trim()}"` : ''}.`;
    }
    return v;
  };
  const fields: ImageSpecFields = {};
  if (input.mode === 'invert') fields.invert = true;
  else fields.strength = real('strength', 'Strength', input.strength, RUN_LIMITS.strength);
  if (input.mode === 'inpaint') {
    fields.maskBlur = real('maskBlur', 'Mask blur', input.maskBlur, RUN_LIMITS.maskBlur);
    if (input.maskedContent !== 'original') fields.maskedContent = input.maskedContent;
    if (input.inpaintNode !== 'SetLatentNoiseMask') fields.inpaintNode = input.inpaintNode;
    const whole = (field: 'maskPadding' | 'growMaskBy', label: string, raw: string) => {
      const v = real(field, label, raw, RUN_LIMITS[field]);
      if (!errors[field] && !Number.isInteger(v)) errors[field] = `${label} must be whole pixels.`;
      return v;
    };
    if (input.inpaintArea === 'only masked') {
      fields.inpaintArea = input.inpaintArea;
      fields.maskPadding = whole('maskPadding', 'Padding', input.maskPadding);
    }
    if (input.inpaintNode === 'VAEEncodeForInpaint')
      fields.growMaskBy = whole('growMaskBy', 'Grow mask by', input.growMaskBy);
    if (!input.mask) errors.mask = 'Paint the part to repaint (white), or load a mask file.';
  }
  return Object.keys(errors).length ? { errors } : { fields, errors };
}

/** The section's settings for a spec's image fields (a restored run). */
export function imageSettings(spec: RunImageFields): ImageSettings {
  const defaults = defaultImageInput();
  return {
    mode: spec.invert ? 'invert' : spec.mask !== undefined ? 'inpaint' : 'img2img',
    strength: spec.strength !== undefined ? String(spec.strength) : defaults.strength,
    maskBlur: spec.maskBlur !== undefined ? String(spec.maskBlur) : defaults.maskBlur,
    maskedContent: spec.maskedContent ?? defaults.maskedContent,
    inpaintArea: spec.inpaintArea ?? defaults.inpaintArea,
    maskPadding: spec.maskPadding !== undefined ? String(spec.maskPadding) : defaults.maskPadding,
    inpaintNode: spec.inpaintNode ?? defaults.inpaintNode,
    growMaskBy: spec.growMaskBy !== undefined ? String(spec.growMaskBy) : defaults.growMaskBy,
  };
}

/** The form's starting values for the image inputs. */
export function defaultImageInput(): Omit<ImageInputForm, 'initImageId'> {
  return {
    mode: 'img2img',
    strength: String(DEFAULT_STRENGTH),
    maskBlur: '4',
    maskedContent: 'original',
    inpaintArea: 'whole picture',
    maskPadding: String(DEFAULT_MASK_PADDING),
    inpaintNode: 'SetLatentNoiseMask',
    growMaskBy: String(DEFAULT_GROW_MASK_BY),
  };
}

const ID = /^[a-z0-9-]{1,80}$/;

/** Host-side check of the image input a 'generate' message carries; undefined when it is malformed. */
export function parseImageInput(v: unknown): ImageInputForm | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  const text = (x: unknown) => typeof x === 'string' && x.length <= 100;
  if (typeof m.initImageId !== 'string' || !ID.test(m.initImageId)) return undefined;
  if (!IMAGE_MODES.includes(m.mode as ImageMode) || !text(m.strength) || !text(m.maskBlur)) return undefined;
  if (!A1111_MASKED_CONTENT.includes(m.maskedContent as A1111MaskedContent)) return undefined;
  if (!INPAINT_AREAS.includes(m.inpaintArea as InpaintArea) || !text(m.maskPadding)) return undefined;
  if (!COMFY_INPAINT_NODES.includes(m.inpaintNode as ComfyInpaintNode) || !text(m.growMaskBy)) return undefined;
  const mask = m.mask;
  if (mask !== undefined && !(mask instanceof Uint8Array && mask.length <= MAX_MASK_BYTES)) return undefined;
  return {
    initImageId: m.initImageId,
    mode: m.mode as ImageMode,
    strength: m.strength as string,
    maskBlur: m.maskBlur as string,
    maskedContent: m.maskedContent as A1111MaskedContent,
    inpaintArea: m.inpaintArea as InpaintArea,
    maskPadding: m.maskPadding as string,
    inpaintNode: m.inpaintNode as ComfyInpaintNode,
    growMaskBy: m.growMaskBy as string,
    ...(mask && { mask }),
  };
}

/** Messages about image inputs, webview → host. */
export type FromWorkbenchImage =
  /** Choose an init image (or a mask file) in an open dialog. */
  | { type: 'pickInitImage' }
  | { type: 'pickMask'; initImageId: string }
  /** A file dropped on the panel: its name and bytes. */
  | { type: 'dropInitImage'; name: string; bytes: Uint8Array }
  /** Image `index` of a stored run becomes the init image; `generate`: then run on it at once. */
  | { type: 'useRunImage'; runId: string; index: number; generate?: boolean };

/** How an init image is used, as a restored run had it. */
export type ImageSettings = Pick<
  ImageInputForm,
  'mode' | 'strength' | 'maskBlur' | 'maskedContent' | 'inpaintArea' | 'maskPadding' | 'inpaintNode' | 'growMaskBy'
>;

/** Host → webview. */
export type ToWorkbenchImage =
  /** `settings`: a restored run's (re-run from image); `generate`: run on it at once. */
  | { type: 'initImage'; image: InitImageInfo; generate?: boolean; settings?: ImageSettings }
  /** A mask file to paint from: its pixels as the browser can show them. */
  | { type: 'maskFile'; label: string; bytes: Uint8Array; mime: InitImageInfo['mime'] }
  /** What is wrong with an image input (a file that is not an image, a mask of another size). */
  | { type: 'imageErrors'; errors: ImageInputErrors };

const RUN_ID = /^[a-z0-9-]{1,64}$/;

/** Host-side check of an image-input message; undefined when it is not one. */
export function parseImageMessage(m: Record<string, unknown>): FromWorkbenchImage | undefined {
  switch (m.type) {
    case 'pickInitImage':
      return { type: m.type };
    case 'pickMask':
      return typeof m.initImageId === 'string' && ID.test(m.initImageId)
        ? { type: m.type, initImageId: m.initImageId }
        : undefined;
    case 'dropInitImage':
      return typeof m.name === 'string' &&
        m.name.length <= 1000 &&
        m.bytes instanceof Uint8Array &&
        m.bytes.length <= RUN_LIMITS.imageFileBytes
        ? { type: 'dropInitImage', name: m.name, bytes: m.bytes }
        : undefined;
    case 'useRunImage': {
      const { runId, index } = m;
      if (typeof runId !== 'string' || !RUN_ID.test(runId)) return undefined;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 1000) return undefined;
      return { type: 'useRunImage', runId, index, ...(m.generate === true && { generate: true }) };
    }
    default:
      return undefined;
  }
}
