import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SWEEP_SCHEMA_PATH, sweepSchemaText } from '../../../scripts/sweepSchema';
import { AXIS_FIELD_NAMES } from '../../../src/protocol/sweepAxes';

test('the committed sweep schema is the one the axis table generates, registered for *.sweep.json', () => {
  assert.equal(
    readFileSync(SWEEP_SCHEMA_PATH, 'utf8'),
    sweepSchemaText(),
    'run: node --import tsx scripts/sweepSchema.ts',
  );
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const entry = pkg.contributes.jsonValidation.find((v: { fileMatch: string }) => v.fileMatch === '*.sweep.json');
  assert.equal(entry?.url, `./${SWEEP_SCHEMA_PATH}`);
  const schema = JSON.parse(sweepSchemaText());
  for (const axis of ['x', 'y', 'z']) {
    assert.deepEqual(schema.properties[axis].properties.field.enum, AXIS_FIELD_NAMES);
    // One branch per field gives its values' type.
    assert.equal(schema.properties[axis].allOf.length, AXIS_FIELD_NAMES.length);
  }
  const steps = schema.properties.x.allOf.find(
    (b: { if: { properties: { field: { const: string } } } }) => b.if.properties.field.const === 'steps',
  );
  assert.deepEqual(steps.then.properties.values.items, { type: 'integer', minimum: 1, maximum: 1000 });
});
