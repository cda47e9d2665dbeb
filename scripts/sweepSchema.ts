// Generates media/schemas/sweep.schema.json (contributed through `jsonValidation` for *.sweep.json)
// from the run limits and the sweep's axis table, so the schema and the sweep reader cannot drift
// apart. Run: node --import tsx scripts/sweepSchema.ts (a unit test checks the committed file is current).
import { writeFileSync } from 'node:fs';
import { A1111_MASKED_CONTENT } from '../src/core/kdiffusion/a1111Inpaint';
import { COMFY_INPAINT_NODES } from '../src/core/kdiffusion/comfyInpaint';
import { NOISE_CONVENTIONS } from '../src/core/noise/conventions';
import { INPAINT_AREAS, RUN_LIMITS } from '../src/protocol/run';
import { AXIS_NAMES, MAX_SEED_RANGE, SWEEP_VERSION } from '../src/protocol/sweep';
import { AXIS_FIELDS, AXIS_FIELD_NAMES, type AxisField } from '../src/protocol/sweepAxes';
import { SIGMA_SCHEDULES, SPACINGS } from '../src/protocol/workbench';

export const SWEEP_SCHEMA_PATH = 'media/schemas/sweep.schema.json';

type Schema = Record<string, unknown>;

const L = RUN_LIMITS;
const text: Schema = { type: 'string' };
const whole = (min: number, max: number): Schema => ({ type: 'integer', minimum: min, maximum: max });
const real = (min: number, max: number): Schema => ({ type: 'number', minimum: min, maximum: max });
/** Two whole numbers named `keys` (SDXL micro-conditioning: a size, or a crop's top-left corner). */
const pair = (keys: [string, string], min: number, description: string): Schema => ({
  type: 'object',
  description,
  required: keys,
  additionalProperties: false,
  properties: Object.fromEntries(keys.map((k) => [k, whole(min, L.microConditioning.max)])),
});
const schedulerKeys: Schema = {
  type: 'object',
  description: "scheduler_config.json keys over the model's own; with _class_name it switches the class",
};

/** What one value of each axis field may be. */
const VALUE: Record<AxisField, Schema> = {
  sampler: text,
  steps: whole(L.steps.min, L.steps.max),
  guidanceScale: real(L.guidanceScale.min, L.guidanceScale.max),
  guidanceRescale: real(L.guidanceRescale.min, L.guidanceRescale.max),
  seed: whole(L.seed.min, L.seed.max),
  subseed: whole(L.seed.min, L.seed.max),
  subseedStrength: real(L.subseedStrength.min, L.subseedStrength.max),
  initImage: { type: 'string', minLength: 1 },
  strength: real(L.strength.min, L.strength.max),
  scheduler: schedulerKeys,
  scheduleFile: { type: 'string', minLength: 1 },
  spacing: { enum: SPACINGS },
  sigmaSchedule: { enum: SIGMA_SCHEDULES },
  promptSR: text,
  negativePrompt: text,
  modelDir: { type: 'string', minLength: 1 },
  width: whole(1, L.side.max),
  height: whole(1, L.side.max),
  size: { type: 'string', pattern: '^\\d{1,5}x\\d{1,5}$' },
};

const PLACES: Record<string, string> = { x: 'across the grid', y: 'down the grid', z: 'one grid block per value' };

function values(field: AxisField): Schema {
  const list: Schema = {
    type: 'array',
    minItems: 1,
    items: VALUE[field],
    description: `Values: ${AXIS_FIELDS[field].doc}.`,
  };
  if (field !== 'seed') return list;
  const range = {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'count'],
    properties: { from: VALUE.seed, count: whole(1, MAX_SEED_RANGE) },
    description: 'count seeds from `from` on',
  };
  return { oneOf: [list, range] };
}

export function sweepSchema(): Schema {
  const axis = (name: string): Schema => ({
    type: 'object',
    description: `Axis ${name}: ${PLACES[name]}.`,
    additionalProperties: false,
    required: ['field', 'values'],
    properties: { field: { enum: AXIS_FIELD_NAMES, description: 'The run field this axis varies.' }, values: {} },
    allOf: AXIS_FIELD_NAMES.map((f) => ({
      if: { properties: { field: { const: f } } },
      then: { properties: { values: values(f) } },
    })),
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://diffusion-lab.invalid/schemas/sweep.schema.json',
    title: 'Diffusion Lab sweep (*.sweep.json)',
    description:
      'One base run and up to three axes (x across, y down, z blocks), each varying one run field; ' +
      'every combination is one cell.',
    type: 'object',
    required: ['version', 'base'],
    additionalProperties: false,
    properties: {
      $schema: text,
      version: { const: SWEEP_VERSION, description: 'The sweep format version.' },
      description: text,
      base: {
        type: 'object',
        description: 'The run every cell starts from (a RunSpec); modelDir is relative to this file.',
        additionalProperties: false,
        properties: {
          modelDir: { type: 'string', minLength: 1, description: 'Model folder, relative to this file.' },
          prompt: { type: 'string', maxLength: L.promptLength },
          negativePrompt: { type: 'string', maxLength: L.promptLength },
          seed: VALUE.seed,
          subseed: VALUE.subseed,
          subseedStrength: VALUE.subseedStrength,
          etaNoiseSeedDelta: {
            ...whole(L.seed.min, L.seed.max),
            description: "A1111's eta noise seed delta (ENSD): step noise from seed + delta.",
          },
          steps: VALUE.steps,
          guidanceScale: VALUE.guidanceScale,
          guidanceRescale: VALUE.guidanceRescale,
          eta: { ...real(L.eta.min, L.eta.max), description: "DDIM's η or TCD's γ (diffusers' step eta)." },
          width: VALUE.width,
          height: VALUE.height,
          batchSize: { const: 1, description: 'A cell is one image: sweep seeds on an axis instead.' },
          scheduler: schedulerKeys,
          timesteps: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: L.explicitSchedule },
          sigmas: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: L.explicitSchedule },
          originalSize: pair(['width', 'height'], 1, 'SDXL micro-conditioning: the training image size.'),
          cropTopLeft: pair(['x', 'y'], 0, 'SDXL micro-conditioning: the crop corner, from the left and the top.'),
          targetSize: pair(['width', 'height'], 1, 'SDXL micro-conditioning: the size aimed at.'),
          initImage: { ...VALUE.initImage, description: 'Image-to-image starting image, relative to this file.' },
          strength: VALUE.strength,
          mask: { type: 'string', minLength: 1, description: 'Inpainting mask, relative to this file.' },
          maskBlur: real(L.maskBlur.min, L.maskBlur.max),
          maskedContent: {
            enum: A1111_MASKED_CONTENT,
            description: "A1111's masked content, with a mask and an A1111 sampler.",
          },
          inpaintArea: {
            enum: INPAINT_AREAS,
            description: "A1111's inpaint area, with a mask and an A1111 sampler.",
          },
          maskPadding: { ...whole(L.maskPadding.min, L.maskPadding.max), description: 'Only masked: padding, px.' },
          inpaintNode: {
            enum: COMFY_INPAINT_NODES,
            description: "ComfyUI's inpainting node, with a mask and a ComfyUI sampler.",
          },
          growMaskBy: {
            ...whole(L.growMaskBy.min, L.growMaskBy.max),
            description: "VAEEncodeForInpaint's grow_mask_by, px.",
          },
          invert: { type: 'boolean' },
          toolSampler: {
            type: 'object',
            description: "A tool's own sampler: { tool: a1111 | comfyui, sampler, schedule }.",
            required: ['tool', 'sampler'],
            properties: { tool: { enum: ['a1111', 'comfyui'] }, sampler: text, schedule: text },
          },
          noise: { enum: NOISE_CONVENTIONS, description: 'Whose way of drawing noise from the seed.' },
        },
      },
      ...Object.fromEntries(AXIS_NAMES.map((n) => [n, axis(n)])),
    },
  };
}

export function sweepSchemaText(): string {
  return JSON.stringify(sweepSchema(), null, 2) + '\n';
}

if (process.argv[1]?.endsWith('sweepSchema.ts')) {
  writeFileSync(SWEEP_SCHEMA_PATH, sweepSchemaText());
  console.log(`wrote ${SWEEP_SCHEMA_PATH}`);
}
