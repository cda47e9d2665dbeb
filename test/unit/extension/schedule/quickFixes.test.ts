import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from '../../../../src/documents/jsonc';
import { configPathOf, quickFixesFor, zeroSnrFixes } from '../../../../src/extension/schedule/quickFixes';

const sdxl = `{
  "_class_name": "EulerDiscreteScheduler",
  "timestep_spacing": "leading",
  "steps_offset": 1
}`;

test('zero-SNR fixes: trailing alone, or trailing with rescaled betas, preferred by prediction type', () => {
  const [trailing, rescaled] = zeroSnrFixes(sdxl, []);
  assert.equal(trailing.title, 'Use trailing spacing');
  assert.equal(trailing.preferred, true, 'epsilon model: trailing alone is preferred');
  assert.deepEqual(JSON.parse(applyEdits(sdxl, trailing.edits)), {
    _class_name: 'EulerDiscreteScheduler',
    timestep_spacing: 'trailing',
    steps_offset: 1,
  });
  const out = JSON.parse(applyEdits(sdxl, rescaled.edits));
  assert.deepEqual(out, {
    _class_name: 'EulerDiscreteScheduler',
    timestep_spacing: 'trailing',
    steps_offset: 1,
    rescale_betas_zero_snr: true,
  });
  assert.equal(rescaled.edits.length, 1);
  // Already fixed: nothing offered.
  assert.deepEqual(zeroSnrFixes(applyEdits(sdxl, rescaled.edits), []), []);
  const v = sdxl.replace('"steps_offset": 1', '"steps_offset": 1,\n  "prediction_type": "v_prediction"');
  assert.deepEqual(
    zeroSnrFixes(v, []).map((f) => f.preferred),
    [false, true],
    'v-prediction model: the full fix is preferred',
  );
});

test('zero-SNR fix inside a schedule file edits only that schedule', () => {
  const text = JSON.stringify({ schedules: { a: { config: { beta_end: 0.012 } }, b: { config: {} } } }, null, 2);
  const path = configPathOf(['schedules', 'a', 'config', 'beta_end'], 'scheduleFile')!;
  assert.deepEqual(path, ['schedules', 'a', 'config']);
  const out = JSON.parse(applyEdits(text, zeroSnrFixes(text, path)[1].edits));
  assert.deepEqual(out.schedules.a.config, {
    beta_end: 0.012,
    timestep_spacing: 'trailing',
    rescale_betas_zero_snr: true,
  });
  assert.deepEqual(out.schedules.b.config, {});
});

test('unknown keys get a "Remove" fix; both timesteps and sigmas get one fix per choice', () => {
  const text = '{\n  "clip_sample": false,\n  "beta_end": 0.012\n}';
  const [remove] = quickFixesFor(text, 'unknown-key', ['clip_sample'], []);
  assert.equal(remove.title, 'Remove "clip_sample" (it has no effect)');
  assert.deepEqual(JSON.parse(applyEdits(text, remove.edits)), { beta_end: 0.012 });

  const file = JSON.stringify({ schedules: { a: { timesteps: [9, 1], sigmas: [3, 0] } } });
  const fixes = quickFixesFor(file, 'timesteps-and-sigmas', ['schedules', 'a', 'sigmas'], undefined);
  assert.deepEqual(
    fixes.map((f) => f.title),
    ['Keep timesteps, remove sigmas', 'Keep sigmas, remove timesteps'],
  );
  assert.deepEqual(JSON.parse(applyEdits(file, fixes[0].edits)).schedules.a, { timesteps: [9, 1] });
});

test('a misspelt key gets "Rename to" the key meant, preferred over "Remove"', () => {
  const text = '{\n  "_class_name": "EulerDiscreteScheduler",\n  "use_karas_sigmas": true\n}';
  const fixes = quickFixesFor(text, 'unknown-key', ['use_karas_sigmas'], []);
  assert.deepEqual(
    fixes.map((f) => [f.title, f.preferred === true]),
    [
      ['Rename to "use_karras_sigmas"', true],
      ['Remove "use_karas_sigmas" (it has no effect)', false],
    ],
  );
  assert.equal(applyEdits(text, fixes[0].edits), text.replace('use_karas_sigmas', 'use_karras_sigmas'));
  // Not when the config already sets the key meant: renaming would duplicate it.
  const both = '{"_class_name": "EulerDiscreteScheduler", "use_karras_sigmas": false, "use_karas_sigmas": true}';
  assert.deepEqual(
    quickFixesFor(both, 'unknown-key', ['use_karas_sigmas'], []).map((f) => f.title),
    ['Remove "use_karas_sigmas" (it has no effect)'],
  );
});

test('a terminal-SNR finding offers the zero-SNR fix; unrelated codes offer nothing', () => {
  assert.deepEqual(
    quickFixesFor(sdxl, 'nonzero-terminal-snr-leading', ['timestep_spacing'], []).map((f) => f.title.slice(0, 20)),
    ['Use trailing spacing', 'Use trailing spacing'],
  );
  assert.equal(
    quickFixesFor(sdxl, 'compatible-class-key', ['steps_offset'], [])[0]?.title,
    'Remove "steps_offset" (it has no effect)',
  );
  // A finding about a key the file does not contain has nothing to remove.
  assert.deepEqual(quickFixesFor(sdxl, 'spacing-ignored', ['timestep_spacing_x'], []), []);
  assert.deepEqual(quickFixesFor(sdxl, 'syntax', [], []), []);
});

test('a value the class does not implement gets one fix per value it does, from the class table', () => {
  const text = '{\n  "_class_name": "EulerDiscreteScheduler",\n  "timestep_spacing": "trailng"\n}';
  const fixes = quickFixesFor(text, 'invalid-value', ['timestep_spacing'], []);
  assert.deepEqual(
    fixes.map((f) => f.title),
    ['Use "leading"', 'Use "trailing"', 'Use "linspace"'],
  );
  assert.equal(JSON.parse(applyEdits(text, fixes[1].edits)).timestep_spacing, 'trailing');
});

test('zero SNR with an epsilon model: turn rescaling off, or declare v-prediction', () => {
  const text = '{\n  "_class_name": "DDIMScheduler",\n  "rescale_betas_zero_snr": true\n}';
  const [off, v] = quickFixesFor(text, 'zero-snr-epsilon', ['rescale_betas_zero_snr'], []);
  assert.equal(JSON.parse(applyEdits(text, off.edits)).rescale_betas_zero_snr, false);
  assert.equal(JSON.parse(applyEdits(text, v.edits)).prediction_type, 'v_prediction');
});
