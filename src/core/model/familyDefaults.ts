/** The model families recognised, and the settings each is meant to run at. */

export type ModelFamily =
  | 'sd1'
  | 'sd2'
  | 'sd2-v'
  | 'sdxl'
  | 'sdxl-refiner'
  | 'lcm'
  | 'sd-turbo'
  | 'sdxl-turbo'
  | 'inpaint'
  | 'unconditional'
  | 'unknown';

/** The network layout underneath a family (an LCM or Turbo model is distilled from one of these). */
export type Architecture = 'sd1' | 'sd2' | 'sdxl' | 'sdxl-refiner' | 'unconditional' | 'unknown';

export interface Recommended {
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  /** Classifier-free guidance scale; at or below 1 the run is unguided (diffusers guides only when > 1). */
  readonly guidance: number;
  /** diffusers scheduler `_class_name`. */
  readonly scheduler: string;
}

export interface FamilyDefaults extends Recommended {
  /** Where the numbers come from. */
  readonly source: string;
}

const SD = 'diffusers v0.35.2 StableDiffusionPipeline.__call__ defaults (50 steps, guidance 7.5)';

/** Size is the fallback for a UNet config without `sample_size` (diffusers' default is sample_size × 8). */
export const FAMILY_DEFAULTS: Readonly<Record<ModelFamily, FamilyDefaults>> = {
  sd1: {
    width: 512,
    height: 512,
    steps: 50,
    guidance: 7.5,
    scheduler: 'PNDMScheduler',
    source: `${SD}; runwayml/stable-diffusion-v1-5 scheduler_config.json`,
  },
  sd2: {
    width: 512,
    height: 512,
    steps: 50,
    guidance: 7.5,
    scheduler: 'PNDMScheduler',
    source: `${SD}; stabilityai/stable-diffusion-2-1-base scheduler_config.json`,
  },
  'sd2-v': {
    width: 768,
    height: 768,
    steps: 50,
    guidance: 7.5,
    scheduler: 'DDIMScheduler',
    source: `${SD}; stabilityai/stable-diffusion-2-1 (768, v_prediction) scheduler_config.json`,
  },
  sdxl: {
    width: 1024,
    height: 1024,
    steps: 50,
    guidance: 5,
    scheduler: 'EulerDiscreteScheduler',
    source: 'diffusers v0.35.2 StableDiffusionXLPipeline.__call__ defaults; stable-diffusion-xl-base-1.0 scheduler',
  },
  'sdxl-refiner': {
    width: 1024,
    height: 1024,
    steps: 50,
    guidance: 5,
    scheduler: 'EulerDiscreteScheduler',
    source: 'diffusers v0.35.2 StableDiffusionXLImg2ImgPipeline.__call__ defaults (aesthetic score 6, strength 0.3)',
  },
  lcm: {
    width: 512,
    height: 512,
    steps: 4,
    guidance: 8.5,
    scheduler: 'LCMScheduler',
    source: 'diffusers v0.35.2 LatentConsistencyModelPipeline.__call__ defaults; SimianLuo/LCM_Dreamshaper_v7',
  },
  'sd-turbo': {
    width: 512,
    height: 512,
    steps: 1,
    guidance: 0,
    scheduler: 'EulerDiscreteScheduler',
    source: 'stabilityai/sd-turbo model card (512², 1–4 steps, guidance_scale 0.0) and scheduler_config.json',
  },
  'sdxl-turbo': {
    width: 512,
    height: 512,
    steps: 1,
    guidance: 0,
    scheduler: 'EulerAncestralDiscreteScheduler',
    source: 'stabilityai/sdxl-turbo model card (512², 1–4 steps, guidance_scale 0.0) and scheduler_config.json',
  },
  inpaint: {
    width: 512,
    height: 512,
    steps: 50,
    guidance: 7.5,
    scheduler: 'PNDMScheduler',
    source: 'diffusers v0.35.2 StableDiffusionInpaintPipeline.__call__ defaults',
  },
  unconditional: {
    width: 256,
    height: 256,
    steps: 1000,
    guidance: 1,
    scheduler: 'DDPMScheduler',
    source: 'diffusers v0.35.2 DDPMPipeline.__call__ defaults (1000 steps, no guidance)',
  },
  unknown: { width: 512, height: 512, steps: 50, guidance: 7.5, scheduler: 'PNDMScheduler', source: SD },
};

/** Families distilled to a few steps: they run at their own steps and guidance (the model cards'), so a
 * surface puts those in place when such a model is picked rather than keep steps meant for another model. */
export const DISTILLED_FAMILIES: readonly ModelFamily[] = ['lcm', 'sd-turbo', 'sdxl-turbo'];

/** Names for people. */
export const FAMILY_NAMES: Readonly<Record<ModelFamily, string>> = {
  sd1: 'SD 1.x',
  sd2: 'SD 2.x',
  'sd2-v': 'SD 2.x (v-prediction)',
  sdxl: 'SDXL',
  'sdxl-refiner': 'SDXL refiner',
  lcm: 'LCM',
  'sd-turbo': 'SD-Turbo',
  'sdxl-turbo': 'SDXL-Turbo',
  inpaint: 'SD inpainting',
  unconditional: 'unconditional',
  unknown: 'unknown family',
};
