// Reads a ComfyUI PNG's `prompt` chunk (the API-format graph its SaveImage writes) for "Re-run from
// Image": the KSampler's widget values, the prompts of the CLIPTextEncode nodes its positive and negative
// inputs link to, the EmptyLatentImage size (or, in an img2img graph, the file of the LoadImage that its
// VAEEncode encodes, and in an inpainting one the file of the LoadImageMask its SetLatentNoiseMask takes; or
// the image and the mask an InpaintModelConditioning takes, whose outputs then feed KSampler's prompts too; or
// the image, the mask and the grow_mask_by of a VAEEncodeForInpaint) and the checkpoint name. Links are
// [node id, output slot].
import type { ComfyInpaintNode } from '../core/kdiffusion/comfyInpaint';
import type { ComfyRun } from './comfyWorkflow';

/** What the graph states; fields it does not state (a prompt from another node type) are absent. */
export type ComfyReading = Partial<ComfyRun> & {
  denoise?: number;
  initImage?: string;
  mask?: string;
  inpaintNode?: ComfyInpaintNode;
  /** VAEEncodeForInpaint's grow_mask_by. */
  growMaskBy?: number;
  notes: string[];
};

/** Longest `prompt` text read: a real graph is tens of kB. */
export const MAX_COMFY_PROMPT_LENGTH = 1024 * 1024;

type Graph = Record<string, { class_type?: unknown; inputs?: Record<string, unknown> } | undefined>;

/** undefined when the text is not an API-format graph with a KSampler. */
export function readComfyPrompt(text: string): ComfyReading | undefined {
  if (text.length > MAX_COMFY_PROMPT_LENGTH) return undefined;
  let graph: Graph;
  try {
    graph = JSON.parse(text) as Graph;
  } catch {
    return undefined;
  }
  if (typeof graph !== 'object' || graph === null) return undefined;
  const samplers = Object.values(graph).filter((n) => n?.class_type === 'KSampler');
  const k = samplers[0]?.inputs;
  if (!k) return undefined;
  const notes = samplers.length > 1 ? [`the graph has ${samplers.length} KSamplers; read the first`] : [];
  const linked = (value: unknown, type: string) => {
    const node = Array.isArray(value) ? graph[String(value[0])] : undefined;
    return node?.class_type === type ? (node.inputs ?? {}) : undefined;
  };
  const latent = linked(k.latent_image, 'EmptyLatentImage');
  const conditioning = linked(k.latent_image, 'InpaintModelConditioning');
  const forInpaint = linked(k.latent_image, 'VAEEncodeForInpaint');
  const masked = conditioning ?? forInpaint ?? linked(k.latent_image, 'SetLatentNoiseMask');
  const encoded = conditioning ?? forInpaint ?? linked(masked ? masked.samples : k.latent_image, 'VAEEncode');
  const loaded = linked(encoded?.pixels, 'LoadImage');
  const checkpoint = linked(k.model, 'CheckpointLoaderSimple');
  // Through InpaintModelConditioning, KSampler's prompts are its outputs: the texts are on its inputs.
  const prompt = (input: unknown, name: 'positive' | 'negative') =>
    linked(linked(input, 'InpaintModelConditioning') ? conditioning?.[name] : input, 'CLIPTextEncode');
  if (conditioning && conditioning.noise_mask === false) notes.push('its noise_mask is off; ran with it on');
  const reading: ComfyReading = {
    seed: num(k.seed),
    steps: num(k.steps),
    cfg: num(k.cfg),
    samplerName: str(k.sampler_name),
    scheduler: str(k.scheduler),
    denoise: num(k.denoise),
    positive: str(prompt(k.positive, 'positive')?.text),
    negative: str(prompt(k.negative, 'negative')?.text),
    width: num(latent?.width),
    height: num(latent?.height),
    batchSize: num(latent?.batch_size),
    checkpoint: str(checkpoint?.ckpt_name),
    initImage: str(loaded?.image),
    mask: loaded && str(linked(masked?.mask, 'LoadImageMask')?.image),
    ...(conditioning && { inpaintNode: 'InpaintModelConditioning' as const }),
    ...(forInpaint && { inpaintNode: 'VAEEncodeForInpaint' as const, growMaskBy: num(forInpaint.grow_mask_by) }),
    notes,
  };
  if (reading.positive === undefined) notes.push("the positive prompt does not come from a CLIPTextEncode's text");
  return reading;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
