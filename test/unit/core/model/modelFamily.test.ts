import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recognizeModelFamily } from '../../../../src/core/model/modelFamily';
import type { GraphIo, ModelFolderFacts, TensorInfo } from '../../../../src/core/model/modelFacts';
import { FAMILY_DEFAULTS } from '../../../../src/core/model/familyDefaults';
import { folderFacts } from './folderJson';

// Each fixture folder's family, told from its JSON files alone (graphs are covered by the engine test).
const FAMILIES: Record<string, string> = {
  'tiny-sd15': 'sd1',
  'tiny-sd15-o122': 'sd1',
  'tiny-sdxl': 'sdxl',
  'tiny-sdxl-o122': 'sdxl',
  'tiny-sdxl-turbo': 'sdxl-turbo',
  'tiny-sd-turbo': 'sd-turbo',
  'tiny-lcm': 'lcm',
  'tiny-lcm-o122': 'lcm',
  'tiny-sd2-v': 'sd2-v',
  'tiny-sd-inpaint': 'inpaint',
  'tiny-sd': 'sd1',
  'tiny-sd-legacy': 'sd1',
  'tiny-sdxl-refiner': 'sdxl-refiner',
  'tiny-ddpm': 'unconditional',
};

const t = (name: string, type: string, shape: (number | string)[]): TensorInfo => ({ name, type, shape });
const io = (inputs: TensorInfo[], outputs: TensorInfo[] = []): GraphIo => ({ inputs, outputs });
const codes = (facts: ModelFolderFacts) => recognizeModelFamily(facts).findings.map((f) => f.code);
/** The facts with `changes` merged into one component's config. */
const withConfig = (
  facts: ModelFolderFacts,
  component: string,
  changes: Record<string, unknown>,
): ModelFolderFacts => ({
  ...facts,
  configs: { ...facts.configs, [component]: { ...facts.configs[component], ...changes } },
});

/** Optimum's UNet inputs (exporters/onnx/model_configs.py UNetOnnxConfig) for the given timestep and extras. */
function unetGraph(timestep: TensorInfo, width: number, extra: TensorInfo[] = []): GraphIo {
  return io(
    [
      t('sample', 'float32', ['batch_size', 4, 'height', 'width']),
      timestep,
      t('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', width]),
      ...extra,
    ],
    [t('out_sample', 'float32', ['batch_size', 4, 'height', 'width'])],
  );
}
const NEW_T = t('timestep', 'float32', []);
const OLD_T = t('timestep', 'int64', ['steps']);
const encoder = (output: string) =>
  io(
    [t('sample', 'float32', ['batch_size', 3, 'h', 'w'])],
    [t(output, 'float32', ['batch_size', output === 'latent_parameters' ? 8 : 4, 'h/8', 'w/8'])],
  );

for (const [name, family] of Object.entries(FAMILIES)) {
  test(`${name} is recognised as ${family} from its JSON files, without errors`, () => {
    const report = recognizeModelFamily(folderFacts(name));
    assert.equal(report.family, family, report.evidence.join('; '));
    assert.deepEqual(
      report.findings.filter((f) => f.severity === 'error'),
      [],
    );
  });
}

test('graphs alone tell SDXL (text_embeds, time_ids), the refiner (time_ids of 5), LCM and unconditional UNets', () => {
  const family = (unet: GraphIo) => recognizeModelFamily({ configs: {}, graphs: { unet }, folders: ['unet'] }).family;
  const xl = (n: number) => [
    t('text_embeds', 'float32', ['batch_size', 1280]),
    t('time_ids', 'float32', ['batch_size', n]),
  ];
  assert.equal(family(unetGraph(NEW_T, 2048, xl(6))), 'sdxl');
  assert.equal(family(unetGraph(NEW_T, 1280, xl(5))), 'sdxl-refiner');
  assert.equal(family(unetGraph(OLD_T, 768, [t('timestep_cond', 'float32', ['batch_size', 256])])), 'lcm');
  assert.equal(family(unetGraph(NEW_T, 1024)), 'sd2');
  assert.equal(family(unetGraph(NEW_T, 768)), 'sd1');
  assert.equal(family(io([t('sample', 'float32', [1, 3, 32, 32]), NEW_T])), 'unconditional');
});

test('the Optimum generation comes from the UNet timestep and the VAE encoder output', () => {
  const generation = (timestep: TensorInfo, output?: string) =>
    recognizeModelFamily({
      configs: {},
      folders: [],
      graphs: { unet: unetGraph(timestep, 768), ...(output && { vae_encoder: encoder(output) }) },
    }).optimumGeneration;
  assert.equal(generation(OLD_T, 'latent_sample'), 'optimum<=1.22');
  assert.equal(generation(OLD_T), 'optimum<=1.22');
  assert.equal(generation(OLD_T, 'latent_parameters'), 'optimum-1.23');
  assert.equal(generation(NEW_T, 'latent_parameters'), 'optimum>=1.24');
  assert.equal(generation(t('timestep', 'float32', ['batch'])), 'diffusers-script');
  assert.equal(generation(NEW_T, 'latent_sample'), 'unknown');
});

test('recommended settings: the family defaults, the folder scheduler, the size from the UNet and VAE configs', () => {
  const sdxl = recognizeModelFamily(folderFacts('tiny-sdxl')).recommended;
  assert.deepEqual(sdxl, { width: 64, height: 64, steps: 50, guidance: 5, scheduler: 'EulerDiscreteScheduler' });
  const turbo = recognizeModelFamily(folderFacts('tiny-sdxl-turbo')).recommended;
  assert.deepEqual([turbo.steps, turbo.guidance, turbo.scheduler], [1, 0, 'EulerAncestralDiscreteScheduler']);
  const lcm = recognizeModelFamily(folderFacts('tiny-lcm')).recommended;
  assert.deepEqual([lcm.steps, lcm.guidance, lcm.scheduler], [4, 8.5, 'LCMScheduler']);
  const v = folderFacts('tiny-sd2-v');
  assert.equal(recognizeModelFamily(withConfig(v, 'unet', { sample_size: 96 })).recommended.width, 768);
  const unsized = withConfig(v, 'unet', { sample_size: undefined });
  assert.equal(recognizeModelFamily(unsized).recommended.height, FAMILY_DEFAULTS['sd2-v'].height);
  assert.equal(recognizeModelFamily(v).predictionType, 'v_prediction');
  const ddpm = recognizeModelFamily(folderFacts('tiny-ddpm')).recommended;
  assert.deepEqual([ddpm.width, ddpm.height, ddpm.steps], [16, 16, 1000]);
});

test('a text encoder narrower than the UNet cross-attention is an error naming both widths', () => {
  const wide = withConfig(folderFacts('tiny-sd15'), 'unet', { cross_attention_dim: 1024 });
  const finding = recognizeModelFamily(wide).findings.find((f) => f.code === 'text-width-mismatch');
  assert.ok(finding, 'no text-width-mismatch');
  assert.equal(finding.severity, 'error');
  assert.match(finding.message, /32 .*1024/);
});

test('SDXL: the widths of both text encoders add up; text_embeds must match; hidden states must be exported', () => {
  const facts = folderFacts('tiny-sdxl', {
    text_encoder: io(
      [],
      [t('last_hidden_state', 'float32', ['b', 77, 16]), t('hidden_states.1', 'float32', ['b', 77, 16])],
    ),
    text_encoder_2: io([], [t('text_embeds', 'float32', ['b', 32]), t('last_hidden_state', 'float32', ['b', 77, 32])]),
    unet: unetGraph(NEW_T, 48, [t('text_embeds', 'float32', ['b', 64]), t('time_ids', 'float32', ['b', 6])]),
  });
  assert.deepEqual(codes(facts).sort(), ['missing-hidden-states', 'text-embeds-mismatch']);
});

test('an SDXL folder without tokenizer_2 is an error', () => {
  const facts = folderFacts('tiny-sdxl');
  const without = { ...facts, folders: facts.folders.filter((f) => f !== 'tokenizer_2') };
  assert.deepEqual(codes(without), ['missing-tokenizer-2']);
});

test('a 9-channel UNet is flagged as inpainting, and needs a VAE encoder', () => {
  const facts = folderFacts('tiny-sd-inpaint');
  const noEncoder = { ...facts, folders: facts.folders.filter((f) => f !== 'vae_encoder') };
  assert.deepEqual(codes(facts), ['inpaint-unet']);
  assert.deepEqual(codes(noEncoder).sort(), ['inpaint-unet', 'missing-component']);
});

test('a float16 VAE decoder whose config asks for force_upcast is warned about; force_upcast false is not', () => {
  const fp16 = io([t('latent_sample', 'float16', ['b', 4, 'h', 'w'])], [t('sample', 'float16', ['b', 3, 'H', 'W'])]);
  const facts = folderFacts('tiny-sdxl', { vae_decoder: fp16 });
  assert.deepEqual(codes(facts), ['fp16-vae-overflow']);
  assert.deepEqual(codes(withConfig(facts, 'vae_decoder', { force_upcast: false })), []);
});

test('an SD 1.x scaling factor in an SDXL VAE, or none at all, is warned about', () => {
  const withFactor = (scaling_factor: number | undefined) =>
    codes(withConfig(folderFacts('tiny-sdxl'), 'vae_decoder', { scaling_factor }));
  assert.deepEqual(withFactor(0.18215), ['vae-scaling-factor-family']);
  assert.deepEqual(withFactor(undefined), ['vae-scaling-factor-missing']);
});

test('an LCM UNet with another scheduler gets a hint; a folder without a UNet is an error', () => {
  const euler = withConfig(folderFacts('tiny-lcm'), 'scheduler', { _class_name: 'EulerDiscreteScheduler' });
  assert.deepEqual(codes(euler), ['lcm-scheduler']);
  const none = recognizeModelFamily({ configs: {}, graphs: {}, folders: [] });
  assert.equal(none.family, 'unknown');
  assert.deepEqual(
    none.findings.map((f) => f.code),
    ['missing-component'],
  );
});
