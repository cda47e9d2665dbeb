import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SCHEMA_PATH, schedulerConfigSchema, schemaText } from '../../../scripts/schedulerConfigSchema';
import { SCHEDULER_CLASSES } from '../../../src/core/config/schedulerClasses';

type Branch = {
  if: { properties: { _class_name: { const: string } } };
  then: { properties: Record<string, Record<string, unknown>> };
};

test('the committed scheduler_config schema is the one the class table generates', () => {
  assert.equal(
    readFileSync(SCHEMA_PATH, 'utf8'),
    schemaText(),
    'run: node --import tsx scripts/schedulerConfigSchema.ts',
  );
});

test('each class has its own keys, defaults and suggested values', () => {
  const schema = schedulerConfigSchema() as { allOf: Branch[]; properties: Record<string, { examples?: string[] }> };
  assert.deepEqual(schema.properties._class_name.examples, Object.keys(SCHEDULER_CLASSES));
  const branch = (c: string) => schema.allOf.find((b) => b.if.properties._class_name.const === c)!.then.properties;
  for (const [name, spec] of Object.entries(SCHEDULER_CLASSES)) {
    const props = branch(name);
    assert.deepEqual(Object.keys(props), Object.keys(spec.keys), name);
    for (const [key, keySpec] of Object.entries(spec.keys))
      assert.deepEqual(props[key].default, keySpec.default, `${name}.${key}`);
  }
  const euler = branch('EulerDiscreteScheduler');
  assert.ok((euler.timestep_spacing.examples as string[]).includes('trailing'));
  assert.ok((euler.beta_schedule.examples as string[]).includes('scaled_linear'));
});

test('the schema describes but never validates, so each problem is listed once (by the diagnostics)', () => {
  const validating = [
    'type',
    'enum',
    'const',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'required',
    'additionalProperties',
  ];
  const found: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      // `if` only selects a class's branch; it reports nothing.
      if (k === 'if') continue;
      if (validating.includes(k)) found.push(`${path}.${k}`);
      walk(v, `${path}.${k}`);
    }
  };
  walk(schedulerConfigSchema(), '$');
  assert.deepEqual(found, []);
});

test('package.json contributes both schemas and they exist', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const byMatch = Object.fromEntries(
    pkg.contributes.jsonValidation.map((v: { fileMatch: string; url: string }) => [v.fileMatch, v.url]),
  );
  assert.ok(existsSync(byMatch['scheduler_config.json']));
  assert.ok(existsSync(byMatch['*.schedule.json']));
  const fileSchema = JSON.parse(readFileSync(byMatch['*.schedule.json'], 'utf8'));
  // The schedule file's config refers to the scheduler_config schema next to it.
  assert.ok(existsSync(`media/schemas/${fileSchema.definitions.schedule.properties.config.$ref}`));
});
