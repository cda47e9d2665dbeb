import type { Finding } from '../config/findings';
import type { Architecture, ModelFamily, Recommended } from './familyDefaults';
import { FAMILY_DEFAULTS } from './familyDefaults';
import type { ModelFolderFacts } from './modelFacts';
import { fixedDim, numberKey, stringKey, tensor } from './modelFacts';
import { folderFindings } from './modelFindings';
import type { OptimumGeneration } from './optimumGeneration';
import { optimumGeneration } from './optimumGeneration';

export interface ModelFamilyReport {
  readonly family: ModelFamily;
  readonly architecture: Architecture;
  readonly optimumGeneration: OptimumGeneration;
  /** The scheduler config's prediction_type (diffusers' default 'epsilon' when absent). */
  readonly predictionType: string;
  readonly recommended: Recommended;
  /** Where the recommended steps and guidance come from. */
  readonly recommendedSource: string;
  /** What the family and generation were told from, e.g. 'unet input time_ids float32 [batch_size, 6]'. */
  readonly evidence: readonly string[];
  /** What is missing or mismatched. */
  readonly findings: readonly Finding[];
}

/** Tells a model folder's family from model_index.json, the component configs and the ONNX graphs' inputs,
 * with the settings the family is meant to run at and diagnostics. Pure: the caller reads the files. */
export function recognizeModelFamily(facts: ModelFolderFacts): ModelFamilyReport {
  const evidence: string[] = [];
  const arch = architecture(facts, evidence);
  const fam = family(arch, facts, evidence);
  const generation = optimumGeneration(facts);
  const { source, ...defaults } = FAMILY_DEFAULTS[fam];
  return {
    family: fam,
    architecture: arch,
    optimumGeneration: generation.generation,
    predictionType: stringKey(facts.configs.scheduler, 'prediction_type') ?? 'epsilon',
    recommended: {
      ...defaults,
      ...nativeSize(facts, arch),
      scheduler: stringKey(facts.configs.scheduler, '_class_name') ?? defaults.scheduler,
    },
    recommendedSource: source,
    evidence: [...evidence, ...generation.evidence],
    findings: folderFindings(facts, arch, fam),
  };
}

function architecture(facts: ModelFolderFacts, evidence: string[]): Architecture {
  const unet = facts.configs.unet;
  const inputs = facts.graphs.unet?.inputs;
  if (!unet && !inputs) return 'unknown';
  const hidden = tensor(inputs, 'encoder_hidden_states');
  if (inputs ? !hidden : stringKey(unet, '_class_name') === 'UNet2DModel') {
    evidence.push('unet has no encoder_hidden_states input (no text conditioning)');
    return 'unconditional';
  }
  const timeIds = tensor(inputs, 'time_ids');
  if (timeIds || tensor(inputs, 'text_embeds') || stringKey(unet, 'addition_embed_type') === 'text_time') {
    evidence.push(timeIds ? `unet input time_ids [${timeIds.shape.join(', ')}]` : 'unet addition_embed_type text_time');
    // The refiner's time_ids carry an aesthetic score instead of the target size: 5 values, not 6.
    const refiner = fixedDim(timeIds, -1) === 5 || facts.modelIndex?.requires_aesthetics_score === true;
    if (refiner) evidence.push('time_ids of 5 (aesthetic score) / requires_aesthetics_score');
    return refiner ? 'sdxl-refiner' : 'sdxl';
  }
  const width = numberKey(unet, 'cross_attention_dim') ?? fixedDim(hidden, -1);
  const sd2 = [
    width === 1024 && 'cross-attention width 1024 (OpenCLIP ViT-H text encoder)',
    unet?.use_linear_projection === true && 'unet use_linear_projection (SD 2.x UNet config)',
    stringKey(facts.configs.text_encoder, 'hidden_act') === 'gelu' && 'text encoder hidden_act gelu (OpenCLIP)',
  ].filter((e): e is string => typeof e === 'string');
  evidence.push(...(sd2.length ? sd2 : [`cross-attention width ${width ?? 'unknown'}, no SD 2.x or SDXL trait`]));
  return sd2.length ? 'sd2' : 'sd1';
}

function family(arch: Architecture, facts: ModelFolderFacts, evidence: string[]): ModelFamily {
  if (arch === 'unconditional' || arch === 'unknown') return arch;
  const unet = facts.configs.unet;
  const inputs = facts.graphs.unet?.inputs;
  const scheduler = facts.configs.scheduler;
  const channels = numberKey(unet, 'in_channels') ?? fixedDim(tensor(inputs, 'sample'), 1);
  if (channels === 9) {
    evidence.push('unet in_channels 9 (latents + mask + masked-image latents)');
    return 'inpaint';
  }
  const cond = tensor(inputs, 'timestep_cond');
  const lcmScheduler = stringKey(scheduler, '_class_name') === 'LCMScheduler';
  if (cond || numberKey(unet, 'time_cond_proj_dim') !== undefined || lcmScheduler) {
    evidence.push(
      cond
        ? `unet input timestep_cond [${cond.shape.join(', ')}]`
        : lcmScheduler
          ? 'scheduler LCMScheduler'
          : 'unet time_cond_proj_dim',
    );
    return 'lcm';
  }
  const trailing = stringKey(scheduler, 'timestep_spacing') === 'trailing';
  const vPrediction = stringKey(scheduler, 'prediction_type') === 'v_prediction';
  if (vPrediction) evidence.push('scheduler prediction_type v_prediction');
  // Adversarial-diffusion-distilled models ship a trailing-spaced Euler scheduler (sd-turbo, sdxl-turbo).
  if (trailing && !vPrediction && (arch === 'sdxl' || arch === 'sd2')) {
    evidence.push('scheduler timestep_spacing trailing');
    return arch === 'sdxl' ? 'sdxl-turbo' : 'sd-turbo';
  }
  return arch === 'sd2' && vPrediction ? 'sd2-v' : arch;
}

/** diffusers' default size: the UNet's sample size (fixed graph axes first, then config.json) times the VAE
 * factor 2^(number of VAE blocks − 1); a pixel-space (unconditional) UNet's sample is the image. */
function nativeSize(facts: ModelFolderFacts, arch: Architecture): { width?: number; height?: number } {
  const blocks = facts.configs.vae_decoder?.block_out_channels;
  const vae = Array.isArray(blocks) && blocks.length > 0 ? 2 ** (blocks.length - 1) : 8;
  const factor = arch === 'unconditional' ? 1 : vae;
  const sample = tensor(facts.graphs.unet?.inputs, 'sample');
  const configured = numberKey(facts.configs.unet, 'sample_size');
  const h = fixedDim(sample, 2) ?? configured;
  const w = fixedDim(sample, 3) ?? configured;
  return { ...(h !== undefined && { height: h * factor }), ...(w !== undefined && { width: w * factor }) };
}
