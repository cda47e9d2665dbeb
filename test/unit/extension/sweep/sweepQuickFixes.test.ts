import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../../src/documents/jsonc';
import { sweepQuickFixes } from '../../../../src/extension/sweep/sweepQuickFixes';
import { readSweepDocument } from '../../../../src/extension/sweep/sweepDocument';

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
