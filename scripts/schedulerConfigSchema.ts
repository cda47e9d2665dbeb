// Generates media/schemas/scheduler_config.schema.json (contributed through `jsonValidation`) from
// the core's scheduler class table, so the schema, the config reader and the hovers cannot drift
// apart. Run: node --import tsx scripts/schedulerConfigSchema.ts (a unit test checks the committed
// file is current).
import { writeFileSync } from 'node:fs';
import { KEY_SPECS, type ConfigKeySpec } from '../src/core/config/keySpecs';
import { SCHEDULER_CLASSES } from '../src/core/config/schedulerClasses';

export const SCHEMA_PATH = 'media/schemas/scheduler_config.schema.json';

type Schema = Record<string, unknown>;

/** The JSON-schema type of a key, without class-specific enum or default. */
function keyType(spec: Omit<ConfigKeySpec, 'default'>): Schema {
  const base: Schema =
    spec.type === 'number[]' || spec.type === 'integer[]'
      ? { type: 'array', items: { type: spec.type === 'integer[]' ? 'integer' : 'number' } }
      : { type: spec.type };
  if (spec.nullable) base.type = [base.type, 'null'];
  for (const bound of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    // JSON has no infinities; an infinite bound (lambda_min_clipped ≥ -Infinity) is no bound for the schema.
    if (spec[bound] !== undefined && Number.isFinite(spec[bound])) base[bound] = spec[bound];
  }
  return base;
}

function classKey(className: string, spec: ConfigKeySpec): Schema {
  const out: Schema = { ...keyType(spec), default: spec.default, description: `${spec.doc} ${className} default: ${JSON.stringify(spec.default)}.` };
  // Deprecated spellings diffusers still accepts are valid values too.
  const accepted = spec.enum ? [...spec.enum, ...Object.keys(spec.remap ?? {})] : undefined;
  if (accepted) out.enum = spec.nullable ? [...accepted, null] : accepted;
  return out;
}

export function schedulerConfigSchema(): Schema {
  const classes = Object.keys(SCHEDULER_CLASSES);
  const properties: Schema = {
    _class_name: {
      type: 'string',
      enum: classes,
      enumDescriptions: classes.map((c) => SCHEDULER_CLASSES[c].doc),
      description: "diffusers' scheduler class; it decides which keys are read and their defaults.",
    },
    _diffusers_version: { type: 'string', description: 'diffusers version that wrote the file (informational).' },
  };
  for (const [key, spec] of Object.entries(KEY_SPECS)) properties[key] = { ...keyType(spec), description: spec.doc };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://diffusion-lab.invalid/schemas/scheduler_config.schema.json',
    title: 'diffusers scheduler_config.json',
    description: 'A diffusers scheduler config. Generated from Diffusion Lab\'s scheduler class table by scripts/schedulerConfigSchema.ts.',
    type: 'object',
    required: ['_class_name'],
    properties,
    // Keys of other classes are allowed: real configs carry them and diffusers ignores them
    // (Diffusion Lab's diagnostics point them out instead).
    allOf: classes.map((c) => ({
      if: { properties: { _class_name: { const: c } }, required: ['_class_name'] },
      then: { properties: Object.fromEntries(Object.entries(SCHEDULER_CLASSES[c].keys).map(([k, spec]) => [k, classKey(c, spec)])) },
    })),
  };
}

export function schemaText(): string {
  return JSON.stringify(schedulerConfigSchema(), null, 2) + '\n';
}

if (process.argv[1]?.endsWith('schedulerConfigSchema.ts')) {
  writeFileSync(SCHEMA_PATH, schemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
