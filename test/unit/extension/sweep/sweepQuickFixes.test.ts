import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../../src/documents/jsonc';
import { sweepQuickFixes } from '../../../../src/extension/sweep/sweepQuickFixes';
import { readSweepDocument } from '../../../../src/extension/sweep/sweepDocument';
import { fitOf } from '../../protocol/modelFitFixture';

const text = `{
  "version": 2,
  "base": { "modelDir": "m", "prompt": "p", "seed": 1, "stpes": 4, "colour": "red" },
  "x": { "field": "sampeler", "values": ["Euler", "Euler"] }
}`;

/** Every fix offered for the document's findings: its title and the text after applying it. */
function fixes(t: string) {
  return readSweepDocument(t).findings.flatMap((f) =>
    sweepQuickFixes(t, f.code, f.path).map((fix) => ({
      title: fix.title,
      preferred: !!fix.preferred,
      after: applyEdits(t, fix.edits),
    })),
  );
}

test('quick fixes rename a misspelt field or value, remove unknown fields and repeats, set the version', () => {
  const found = fixes(text);
  assert.deepEqual(
    found.map((f) => [f.title, f.preferred]),
    [
      ['Set version 1', true],
      ['Use "sampler"', true],
      ['Rename to "steps"', true],
      ['Remove "stpes"', false],
      ['Remove "colour"', true],
    ],
  );
  // Applying every preferred fix leaves a sweep with no findings but the repeated value's warning.
  let fixed = text;
  for (const title of ['Set version 1', 'Rename to "steps"', 'Remove "colour"', 'Use "sampler"']) {
    fixed = fixes(fixed).find((f) => f.title === title)!.after;
  }
  const doc = readSweepDocument(fixed);
  assert.deepEqual(
    doc.findings.map((f) => f.code),
    ['duplicate-value'],
  );
  assert.equal(doc.sweep?.base.steps, 4);
  const dedup = fixes(fixed).find((f) => f.title === 'Remove the repeated value')!.after;
  assert.deepEqual(readSweepDocument(dedup).findings, []);
  assert.deepEqual(readSweepDocument(dedup).sweep?.axes.x?.values, ['Euler']);
});

test('a value an axis cannot run (a size the model refuses, a missing schedule file) can be removed from it', () => {
  const files = {
    model: () => fitOf('fixed', { fixedLatent: { width: 8, height: 8 } }),
    problem: (_: string, ref: string) => (ref === 'gone.json' ? 'schedule file gone.json does not exist' : undefined),
  };
  const read = (t: string) => readSweepDocument(t, undefined, files);
  const sweepOf = (sizes: string[]) => `{
  "version": 1,
  "base": { "modelDir": "m", "prompt": "p", "seed": 1 },
  "x": { "field": "size", "values": ${JSON.stringify(sizes)} },
  "y": { "field": "scheduleFile", "values": ["a.json", "gone.json"] }
}`;
  const sweep = sweepOf(['64x64', '72x64']);
  const titles = fixesOf(read, sweep).map((f) => f.title);
  assert.deepEqual(titles, ['Remove "72x64" from axis x', 'Remove "gone.json" from axis y']);
  let fixed = sweep;
  for (const title of titles) fixed = fixesOf(read, fixed).find((f) => f.title === title)!.after;
  assert.deepEqual(read(fixed).findings, []);
  assert.deepEqual(JSON.parse(fixed).x.values, ['64x64']);
  assert.deepEqual(JSON.parse(fixed).y.values, ['a.json']);
  // An axis's only value stays: removing it would leave an empty axis.
  const only = sweepOf(['72x64']);
  assert.deepEqual(
    read(only).findings.map((f) => [f.path.join('.'), f.code]),
    [
      ['x.values.0', 'engine-refuses'],
      ['y.values.1', 'bad-file'],
    ],
  );
  assert.deepEqual(
    fixesOf(read, only).map((f) => f.title),
    ['Remove "gone.json" from axis y'],
  );
});

/** The fixes offered for a text's findings as `read` finds them. */
function fixesOf(read: (t: string) => ReturnType<typeof readSweepDocument>, t: string) {
  return read(t).findings.flatMap((f) =>
    sweepQuickFixes(t, f.code, f.path).map((fix) => ({ title: fix.title, after: applyEdits(t, fix.edits) })),
  );
}
