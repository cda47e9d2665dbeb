// Generates media/schemas/scheduler_config.schema.json (contributed through `jsonValidation`) from
// the core's scheduler class table, so the schema, the config reader and the hovers cannot drift
// apart. The schema describes and completes (descriptions, defaults, suggested values) but does not
// validate: Diffusion Lab's own diagnostics name every problem once, with the reason, and a schema
// that also validated would list each a second time. Run: node --import tsx scripts/schedulerConfigSchema.ts (a unit test checks the committed
// file is current).
import { writeFileSync } from 'node:fs';
import { KEY_SPECS, type ConfigKeySpec } from '../src/core/config/keySpecs';
import { SCHEDULER_CLASSES } from '../src/core/config/schedulerClasses';

export const SCHEMA_PATH = 'media/schemas/scheduler_config.schema.json';

type Schema = Record<string, unknown>;

/** What a key's value looks like, in words for the hover (the range is checked by the diagnostics). */
function valueNote(spec: Omit<ConfigKeySpec, 'default'>): string {
  const range = [
    spec.minimum !== undefined && Number.isFinite(spec.minimum) && `≥ ${spec.minimum}`,
    spec.exclusiveMinimum !== undefined && `> ${spec.exclusiveMinimum}`,
    spec.maximum !== undefined && `≤ ${spec.maximum}`,
    spec.exclusiveMaximum !== undefined && `< ${spec.exclusiveMaximum}`,
  ].filter(Boolean);
  return `${spec.type}${spec.nullable ? ' or null' : ''}${range.length ? `, ${range.join(', ')}` : ''}`;
}

function classKey(className: string, spec: ConfigKeySpec): Schema {
  const out: Schema = {
    default: spec.default,
    description: `${spec.doc} (${valueNote(spec)}) ${className} default: ${JSON.stringify(spec.default)}.`,
  };
  // Suggested while typing; deprecated spellings diffusers still accepts are offered too.
  if (spec.enum) out.examples = [...spec.enum, ...Object.keys(spec.remap ?? {})];
  return out;
}

export function schedulerConfigSchema(): Schema {
  const classes = Object.keys(SCHEDULER_CLASSES);
  const properties: Schema = {
    _class_name: {
      examples: classes,
      description: "diffusers' scheduler class; it decides which keys are read and their defaults.",
    },
    _diffusers_version: { description: 'diffusers version that wrote the file (informational).' },
  };
  for (const [key, spec] of Object.entries(KEY_SPECS))
    properties[key] = { description: `${spec.doc} (${valueNote(spec)})` };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://diffusion-lab.invalid/schemas/scheduler_config.schema.json',
    title: 'diffusers scheduler_config.json',
    description:
      "A diffusers scheduler config. Generated from Diffusion Lab's scheduler class table by scripts/schedulerConfigSchema.ts.",
    properties,
    // Keys of other classes are allowed: real configs carry them and diffusers ignores them
    // (Diffusion Lab's diagnostics point them out instead).
    allOf: classes.map((c) => ({
      if: { properties: { _class_name: { const: c } }, required: ['_class_name'] },
      then: {
        properties: Object.fromEntries(
          Object.entries(SCHEDULER_CLASSES[c].keys).map(([k, spec]) => [k, classKey(c, spec)]),
        ),
      },
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
