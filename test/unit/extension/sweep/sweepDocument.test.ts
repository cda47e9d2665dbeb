import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSweepDocument } from '../../../../src/extension/sweep/sweepDocument';

const text = `{
  "version": 1,
  "base": { "modelDir": "m", "prompt": "p", "seed": 1, "colour": "red" },
  "x": { "field": "steps", "values": [4, 0] }
}`;

const marked = (t: string, f: { offset: number; length: number }) => t.slice(f.offset, f.offset + f.length);

test('findings point at the text: an unknown field at its name, a bad value at the value', () => {
  const doc = readSweepDocument(text);
  assert.equal(doc.sweep, undefined);
  assert.deepEqual(
    doc.findings.map((f) => [f.code, marked(text, f)]),
    [
      ['unknown-field', '"colour"'],
      ['engine-refuses', '0'],
    ],
  );
});

test('broken JSON is one syntax finding with its line; an empty axis marks the axis values', () => {
  const broken = readSweepDocument('{\n "version": 1,\n "base": }');
  assert.deepEqual(
    broken.findings.map((f) => [f.code, f.message]),
    [['syntax', 'A value expected at line 3 near "}"']],
  );
  const empty =
    '{"version": 1, "base": {"modelDir": "m", "prompt": "", "seed": 1}, "y": {"field": "seed", "values": []}}';
  assert.deepEqual(
    readSweepDocument(empty).findings.map((f) => [f.code, marked(empty, f)]),
    [['empty-axis', '"values"']],
  );
});

test('a text nested past the limit is one too-deep finding, found before any recursive reader sees it', () => {
  // 100,000 levels: jsonc-parser's tree and the sweep's checks would overflow the stack.
  const deep = `{"version": 1, "base": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const doc = readSweepDocument(deep);
  assert.equal(doc.sweep, undefined);
  assert.deepEqual(
    doc.findings.map((f) => [f.code, f.message, f.offset]),
    [['too-deep', 'Nested more than 16 levels deep; a sweep needs at most 5.', 23 + 15]],
  );
});
