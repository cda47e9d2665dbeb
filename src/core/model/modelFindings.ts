import type { Finding, Severity } from '../config/findings';
import type { Architecture, ModelFamily } from './familyDefaults';
import type { ModelFolderFacts } from './modelFacts';
import { fixedDim, numberKey, tensor } from './modelFacts';

type Add = (severity: Severity, path: readonly string[], code: string, message: string) => void;

/** What is missing or mismatched in a model folder of the given architecture and family. A finding's path
 * starts with the component folder, then the config key or graph tensor it is about. */
export function folderFindings(facts: ModelFolderFacts, arch: Architecture, family: ModelFamily): Finding[] {
  const out: Finding[] = [];
  const add: Add = (severity, path, code, message) => out.push({ severity, path, code, message });
  if (arch === 'unknown') {
    add('error', ['unet'], 'missing-component', 'unet/ is missing: no UNet graph or config to run');
    return out;
  }
  missingComponents(facts, arch, family, add);
  if (arch !== 'unconditional') textWidths(facts, arch, add);
  vaeChecks(facts, arch, add);
  if (family === 'inpaint') {
    add(
      'warning',
      ['unet', 'in_channels'],
      'inpaint-unet',
      'unet takes 9 channels: an inpainting UNet, fed the ' +
        "noisy latents, the mask and the masked image's latents; it needs a mask and an image, not text alone",
    );
  }
  if (family === 'lcm' && facts.configs.scheduler?._class_name !== 'LCMScheduler') {
    add(
      'info',
      ['scheduler', '_class_name'],
      'lcm-scheduler',
      'an LCM-distilled UNet is meant to run with ' +
        'LCMScheduler in 2–8 steps; other schedulers give blurry images at those step counts',
    );
  }
  return out;
}

function missingComponents(facts: ModelFolderFacts, arch: Architecture, family: ModelFamily, add: Add): void {
  const graphs = ['unet'];
  if (arch !== 'unconditional') graphs.push('vae_decoder');
  if (arch === 'sd1' || arch === 'sd2' || arch === 'sdxl') graphs.push('text_encoder');
  if (arch === 'sdxl' || arch === 'sdxl-refiner') graphs.push('text_encoder_2');
  if (family === 'inpaint') graphs.push('vae_encoder');
  for (const name of graphs) {
    const present = facts.graphs[name] || facts.folders.includes(name);
    if (!present) add('error', [name], 'missing-component', `${name}/ is missing: ${arch} needs it`);
  }
  const tokenizers = (graphs.includes('text_encoder') ? ['tokenizer'] : []).concat(
    graphs.includes('text_encoder_2') ? ['tokenizer_2'] : [],
  );
  for (const name of tokenizers) {
    if (facts.folders.includes(name)) continue;
    const why = name === 'tokenizer_2' ? ' (SDXL\'s second text encoder has its own tokenizer, padding with "!")' : '';
    const code = name === 'tokenizer_2' ? 'missing-tokenizer-2' : 'missing-component';
    add('error', [name], code, `${name}/ is missing${why}`);
  }
  if (!facts.configs.scheduler) {
    add('error', ['scheduler'], 'missing-component', 'scheduler/scheduler_config.json is missing');
  }
}

/** The UNet attends to the text encoders' hidden states: their widths (SDXL: both, concatenated) must add up
 * to its cross-attention width; SDXL's pooled text_embeds must match the UNet's text_embeds input. */
function textWidths(facts: ModelFolderFacts, arch: Architecture, add: Add): void {
  const encoders =
    arch === 'sdxl-refiner'
      ? ['text_encoder_2']
      : arch === 'sdxl'
        ? ['text_encoder', 'text_encoder_2']
        : ['text_encoder'];
  const widths = encoders.map(
    (name) =>
      fixedDim(tensor(facts.graphs[name]?.outputs, 'last_hidden_state'), -1) ??
      numberKey(facts.configs[name], 'hidden_size'),
  );
  const unetInputs = facts.graphs.unet?.inputs;
  const cross =
    numberKey(facts.configs.unet, 'cross_attention_dim') ?? fixedDim(tensor(unetInputs, 'encoder_hidden_states'), -1);
  if (cross !== undefined && widths.every((w) => w !== undefined)) {
    const total = widths.reduce((a: number, w) => a + w, 0);
    if (total !== cross) {
      const parts = encoders.map((name, i) => `${name} ${widths[i]}`).join(' + ');
      add(
        'error',
        ['unet', 'cross_attention_dim'],
        'text-width-mismatch',
        `text encoder width ${total} (${parts}) ≠ UNet cross-attention width ${cross}: the folder mixes models`,
      );
    }
  }
  if (arch !== 'sdxl' && arch !== 'sdxl-refiner') return;
  const pooled = fixedDim(tensor(facts.graphs.text_encoder_2?.outputs, 'text_embeds'), -1);
  const wanted = fixedDim(tensor(unetInputs, 'text_embeds'), -1);
  if (pooled !== undefined && wanted !== undefined && pooled !== wanted) {
    add(
      'error',
      ['unet', 'text_embeds'],
      'text-embeds-mismatch',
      `text_encoder_2 text_embeds width ${pooled} ≠ UNet text_embeds width ${wanted}`,
    );
  }
  for (const name of encoders) {
    const outputs = facts.graphs[name]?.outputs;
    if (outputs && !outputs.some((t) => t.name.startsWith('hidden_states.'))) {
      add(
        'error',
        [name],
        'missing-hidden-states',
        `${name} exports no hidden_states.N outputs: ` +
          'SDXL conditions on the penultimate hidden state (Optimum exports them for SDXL)',
      );
    }
  }
}

const SCALING = { sdxl: 0.13025, sd: 0.18215 };

function vaeChecks(facts: ModelFolderFacts, arch: Architecture, add: Add): void {
  const config = facts.configs.vae_decoder;
  const xl = arch === 'sdxl' || arch === 'sdxl-refiner';
  const expected = xl ? SCALING.sdxl : SCALING.sd;
  const factor = numberKey(config, 'scaling_factor');
  if (config && factor === undefined && arch !== 'unconditional') {
    add(
      'warning',
      ['vae_decoder', 'scaling_factor'],
      'vae-scaling-factor-missing',
      `vae_decoder/config.json has no scaling_factor (${arch} uses ${expected})`,
    );
  } else if (factor !== undefined && factor === (xl ? SCALING.sd : SCALING.sdxl)) {
    add(
      'warning',
      ['vae_decoder', 'scaling_factor'],
      'vae-scaling-factor-family',
      `scaling_factor ${factor} is ${xl ? 'SD 1.x/2.x' : 'SDXL'}'s; ${arch} latents use ${expected}`,
    );
  }
  const latent = tensor(facts.graphs.vae_decoder?.inputs, 'latent_sample');
  // diffusers decodes a VAE with force_upcast (its default) in float32: SDXL's VAE overflows to NaN in fp16.
  if (latent?.type === 'float16' && config?.force_upcast !== false) {
    add(
      'warning',
      ['vae_decoder', 'force_upcast'],
      'fp16-vae-overflow',
      'vae_decoder is float16 but its config asks ' +
        'for force_upcast (diffusers decodes it in float32; it can overflow to NaN in float16): export the VAE ' +
        'decoder in float32, or use a VAE fixed for float16 (e.g. madebyollin/sdxl-vae-fp16-fix, force_upcast false)',
    );
  }
}
