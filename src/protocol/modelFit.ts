// What a model decides about a run beyond the spec's own limits (run.ts): its UNet's fixed size, its
// VAE's scale, an inpainting UNet, SDXL's micro-conditioning, whether the tools' samplers run its
// schedule. One check for the engine (facts from its open sessions) and for a sweep's diagnostics (facts
// from the graphs on disk, while the file is typed), so both refuse the same runs in the same words.
import type { GraphIo } from '../core/model/modelFacts';
import { fixedDim, tensor } from '../core/model/modelFacts';
import type { ModelFamilyReport } from '../core/model/modelFamily';
import { toolSamplerRefusal } from '../core/model/toolSamplerSupport';
import { RUN_LIMITS, type RunSpec, type SpecProblem } from './run';

export interface ModelFit {
  /** The folder's name, for messages. */
  name: string;
  family: ModelFamilyReport['family'];
  /** Pixels per latent cell (1 for a pixel-space model). */
  vaeScale: number;
  /** The UNet sample's height and width axes, where the graph fixes them (latent cells). */
  fixedLatent: { height?: number; width?: number };
  /** The size a spec without one runs at. */
  recommended: { width: number; height: number };
  /** The UNet's sample channels when it takes latents, a mask and masked-image latents. */
  inpaintingChannels?: number;
  /** The UNet takes SDXL's time_ids (micro-conditioning). */
  timeIds: boolean;
  /** The model's own scheduler config (the tools' samplers run its training schedule). */
  scheduler: Readonly<Record<string, unknown>>;
}

/** An inpainting UNet takes latents, a mask channel and the masked image's latents: 2·C + 1 channels
 * where the decoder takes C (diffusers' StableDiffusionInpaintPipeline checks the same sum). */
export function unetLayout(unet: GraphIo, decoder?: GraphIo): { unetLatentChannels: number; inpaintingUnet: boolean } {
  const channels = fixedDim(tensor(unet.inputs, 'sample'), 1);
  const latent = fixedDim(tensor(decoder?.inputs, 'latent_sample'), 1);
  const inpainting = channels !== undefined && latent !== undefined && channels === 2 * latent + 1;
  return { unetLatentChannels: inpainting ? latent : (channels ?? 4), inpaintingUnet: inpainting };
}

/** The fit of a model from its family report, VAE scale, scheduler config and UNet and VAE decoder graphs. */
export function modelFit(
  folder: { name: string; vaeScale: number; schedulerConfig: Readonly<Record<string, unknown>> },
  family: ModelFamilyReport,
  unet: GraphIo,
  decoder?: GraphIo,
): ModelFit {
  const sample = tensor(unet.inputs, 'sample');
  return {
    name: folder.name,
    family: family.family,
    vaeScale: folder.vaeScale,
    fixedLatent: { height: positive(fixedDim(sample, 2)), width: positive(fixedDim(sample, 3)) },
    recommended: { width: family.recommended.width, height: family.recommended.height },
    inpaintingChannels: unetLayout(unet, decoder).inpaintingUnet ? fixedDim(sample, 1) : undefined,
    timeIds: tensor(unet.inputs, 'time_ids') !== undefined,
    scheduler: folder.schedulerConfig,
  };
}

const positive = (n: number | undefined) => (n !== undefined && n > 0 ? n : undefined);

const MICRO = [
  ['originalSize', 'original size'],
  ['cropTopLeft', 'crop'],
  ['targetSize', 'target size'],
] as const;

/** What the model refuses in a spec that passes checkRunSpec, in the order the engine meets them. */
export function fitProblems(spec: RunSpec, m: ModelFit): SpecProblem[] {
  const problems: SpecProblem[] = [];
  // A tool's sampler fills the mask channels itself for an image without a mask, as the tool does.
  const toolImageToImage = spec.toolSampler !== undefined && spec.initImage !== undefined && !spec.invert;
  if (m.inpaintingChannels !== undefined && !spec.mask && !toolImageToImage) {
    const message =
      `${m.name}'s UNet is an inpainting UNet (${m.inpaintingChannels} input channels: latents, mask, ` +
      'masked image): give an init image and a mask, or an init image and an A1111 or ComfyUI sampler';
    problems.push({ field: spec.initImage === undefined ? 'initImage' : 'mask', message });
  }
  const micro = MICRO.filter(([f]) => spec[f] !== undefined);
  if (micro.length && !m.timeIds) {
    const what = micro.map(([, label]) => label).join(', ');
    const message = `${what}: SDXL micro-conditioning, which ${m.name} (${m.family}) does not take (its UNet has no time_ids input)`;
    problems.push({ field: micro[0][0], message });
  }
  const width = spec.width ?? m.recommended.width;
  const height = spec.height ?? m.recommended.height;
  const scale = m.vaeScale;
  for (const [field, value, fixed] of [
    ['width', width, m.fixedLatent.width],
    ['height', height, m.fixedLatent.height],
  ] as const) {
    const message =
      value < scale
        ? `${field} must be at least ${scale}, not ${value}`
        : value % scale !== 0
          ? `${field} ${value} is not a multiple of ${scale} (try ${Math.round(value / scale) * scale || scale})`
          : fixed !== undefined && value !== fixed * scale
            ? `${field} must be ${fixed * scale}: ${m.name}'s UNet takes a fixed size`
            : undefined;
    if (message) problems.push({ field, message });
  }
  const megapixels = (spec.batchSize * width * height) / 2 ** 20;
  if (megapixels > RUN_LIMITS.megapixels) {
    const message =
      `batch × width × height is ${megapixels.toFixed(0)} megapixels, more than the ${RUN_LIMITS.megapixels} ` +
      'this engine takes at once; use a smaller size or batch';
    problems.push({ field: spec.width === undefined && spec.height !== undefined ? 'height' : 'width', message });
  }
  const toolRefusal = spec.toolSampler && toolSamplerRefusal({ ...m.scheduler, ...spec.scheduler });
  if (toolRefusal) problems.push({ field: 'toolSampler', message: toolRefusal });
  return problems;
}
