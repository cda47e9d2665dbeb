import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { documentKind, readScheduleDocument } from '../../../src/documents/scheduleDocument';

const fixture = (name: string) => readFileSync(`test/fixtures/schedules/${name}`, 'utf8');
const at = (text: string, offset: number, length: number) => text.slice(offset, offset + length);

test('documentKind recognises scheduler_config.json in any folder and *.schedule.json', () => {
  assert.equal(documentKind('/m/scheduler/scheduler_config.json'), 'config');
  assert.equal(documentKind('C:\\m\\scheduler_config.json'), 'config');
  assert.equal(documentKind('/x/compare.schedule.json'), 'scheduleFile');
  assert.equal(documentKind('/x/model_index.json'), undefined);
  assert.equal(documentKind('/x/my_scheduler_config.json'), undefined);
});

test('released configs read into one plottable schedule each', () => {
  for (const model of ['sd21', 'sdxl', 'sdturbo']) {
    const doc = readScheduleDocument(fixture(`${model}/scheduler_config.json`), 'config', model);
    assert.equal(doc.error, undefined, `${model}: ${doc.error}`);
    assert.deepEqual(
      doc.schedules.map((s) => s.name),
      [model],
    );
    assert.equal(doc.schedules[0].config.beta_schedule, 'scaled_linear');
  }
});

test("a config without a training schedule says its plots use the class's defaults, not a model's", () => {
  const text = '{\n  "_class_name": "EulerDiscreteScheduler",\n  "use_karras_sigmas": true\n}';
  const [note, ...rest] = readScheduleDocument(text, 'config', 'karras').findings;
  assert.deepEqual(rest, []);
  assert.deepEqual([note.severity, note.code, note.path], ['info', 'training-defaults', []]);
  assert.equal(at(text, note.offset, note.length), '"_class_name": "EulerDiscreteScheduler"');
  assert.match(note.message, /EulerDiscreteScheduler's defaults, linear betas 0\.0001 to 0\.02 over 1000 timesteps/);
  // One training key is enough to say nothing; a class without betas (EDM) has no such defaults.
  const given = readScheduleDocument('{"_class_name": "DDIMScheduler", "beta_end": 0.012}', 'config', 'x');
  const edm = readScheduleDocument('{"_class_name": "EDMEulerScheduler"}', 'config', 'x');
  for (const doc of [given, edm]) assert.ok(!doc.findings.some((f) => f.code === 'training-defaults'));
  for (const model of ['sd21', 'sdxl', 'sdturbo']) {
    const released = readScheduleDocument(fixture(`${model}/scheduler_config.json`), 'config', model);
    assert.ok(!released.findings.some((f) => f.code === 'training-defaults'), model);
  }
});

test('the comparison schedule file yields its named schedules with explicit timesteps kept', () => {
  const doc = readScheduleDocument(fixture('comparison.schedule.json'), 'scheduleFile', 'comparison');
  // Only the shipped schedule is flagged: its leading spacing meets a nonzero terminal SNR.
  assert.deepEqual(
    doc.findings.map((f) => `${f.code}@${f.path.join('.')}`),
    ['nonzero-terminal-snr-leading@schedules.sd15 euler.config.timestep_spacing'],
  );
  assert.deepEqual(
    doc.schedules.map((s) => s.name),
    ['sd15 euler', 'trailing + zero-SNR', 'hand-picked steps'],
  );
  assert.deepEqual(doc.schedules[2].timesteps, [999, 850, 700, 500, 300, 150, 50]);
  assert.equal(doc.schedules[1].config.rescale_betas_zero_snr, true);
});

test('broken JSON gives a syntax finding at the bad character and an error state', () => {
  const text = '{\n  "beta_start": 0.00085,\n  "beta_end": NaN\n}';
  const doc = readScheduleDocument(text, 'config', 'x');
  assert.equal(doc.schedules.length, 0);
  assert.match(
    doc.error ?? '',
    /^Broken JSON: Unexpected text at line 3 near "NaN" \(JSON has no NaN or Infinity: write a number\)\.$/,
  );
  const f = doc.findings[0];
  assert.equal(f.code, 'syntax');
  assert.equal(at(text, f.offset, f.length), 'NaN');
});

test('a string where a number belongs in betas is marked at that entry', () => {
  const text = JSON.stringify(
    {
      schedules: { a: { config: { _class_name: 'DDIMScheduler', num_train_timesteps: 3 }, betas: [0.1, '0.2', 0.3] } },
    },
    null,
    2,
  );
  const doc = readScheduleDocument(text, 'scheduleFile', 'x');
  assert.equal(doc.schedules.length, 0);
  const f = doc.findings.find((x) => x.code === 'wrong-type')!;
  assert.deepEqual(f.path, ['schedules', 'a', 'betas', 1]);
  assert.equal(at(text, f.offset, f.length), '"0.2"');
  assert.match(f.message, /\[1\] must be a finite number, got "0.2"/);
});

test("explicit betas of a schedule file are the config's trained_betas", () => {
  const config = { _class_name: 'DDIMScheduler', num_train_timesteps: 3, timestep_spacing: 'trailing' };
  const text = JSON.stringify({ schedules: { a: { config, betas: [0.1, 0.2, 0.3] } } });
  const doc = readScheduleDocument(text, 'scheduleFile', 'x');
  assert.deepEqual(doc.findings, []);
  assert.deepEqual(doc.schedules[0].config.trained_betas, [0.1, 0.2, 0.3]);
});

test('a million-entry trained_betas array is refused with one finding on its key', () => {
  const betas = new Array(1_000_000).fill(0.001);
  const text = JSON.stringify({ _class_name: 'DDIMScheduler', trained_betas: betas });
  const doc = readScheduleDocument(text, 'config', 'x');
  assert.deepEqual(
    doc.findings.map((f) => f.code),
    ['array-too-long'],
  );
  assert.match(doc.findings[0].message, /1000000 elements; Diffusion Lab reads at most 100000/);
  assert.equal(at(text, doc.findings[0].offset, doc.findings[0].length), '"trained_betas"');
  assert.equal(doc.schedules.length, 0);
  assert.ok(doc.error);
});

test('num_train_timesteps beyond the cap is an error at its value', () => {
  const text = '{"_class_name": "DDIMScheduler", "num_train_timesteps": 1e9}';
  const doc = readScheduleDocument(text, 'config', 'x');
  assert.deepEqual(
    doc.findings.map((f) => f.code),
    ['out-of-range'],
  );
  assert.equal(at(text, doc.findings[0].offset, doc.findings[0].length), '1e9');
  assert.equal(doc.schedules.length, 0);
});

test('core findings map to the offending value in the text', () => {
  const text = '{\n  "_class_name": "NoSuchScheduler"\n}';
  const doc = readScheduleDocument(text, 'config', 'x');
  const f = doc.findings.find((x) => x.path[0] === '_class_name')!;
  assert.equal(f.severity, 'error');
  assert.equal(at(text, f.offset, f.length), '"NoSuchScheduler"');
});

test('schedule file structure: unknown keys, both timesteps and sigmas, ascending steps', () => {
  const text = JSON.stringify(
    {
      schedules: {
        a: { config: { _class_name: 'EulerDiscreteScheduler' }, timesteps: [999, 500], sigmas: [14, 1, 0] },
        b: { config: { _class_name: 'EulerDiscreteScheduler' }, timesteps: [100, 500] },
        c: { config: { _class_name: 'EulerDiscreteScheduler' }, colour: 'red' },
      },
      extra: 1,
    },
    null,
    2,
  );
  const doc = readScheduleDocument(text, 'scheduleFile', 'x');
  const codes = doc.findings.map((f) => `${f.code}@${f.path.join('.')}`);
  assert.ok(codes.includes('unknown-key@extra'), codes.join());
  assert.ok(codes.includes('timesteps-and-sigmas@schedules.a.sigmas'), codes.join());
  assert.ok(codes.includes('not-descending@schedules.b.timesteps.1'), codes.join());
  assert.ok(codes.includes('unknown-key@schedules.c.colour'), codes.join());
  // c is still plottable: an unknown key is a warning.
  assert.deepEqual(
    doc.schedules.map((s) => s.name),
    ['c'],
  );
});

test('wrong root types and empty files are errors, never exceptions', () => {
  for (const text of [
    '',
    '[]',
    '42',
    '"x"',
    'null',
    '{"schedules": []}',
    '{"schedules": {"a": 3}}',
    '{"schedules": {}}',
  ]) {
    const doc = readScheduleDocument(text, text.includes('schedules') ? 'scheduleFile' : 'config', 'x');
    assert.equal(doc.schedules.length, 0, text);
    assert.ok(doc.error, `error state for ${JSON.stringify(text)}`);
    assert.ok(
      doc.findings.some((f) => f.severity === 'error'),
      text,
    );
  }
});

/** Each released config: no errors and no warnings (choices the model was trained with are
 * information, facts of every real config are hints), and the findings a reader of diffusers expects. */
const EXPECTED: Record<string, string[]> = {
  // PNDM has no clip_sample; leading spacing from PNDM's default with SD's nonzero terminal SNR.
  sd15: [
    'hint:private-key@_diffusers_version',
    'hint:compatible-class-key@clip_sample',
    'info:nonzero-terminal-snr-leading@timestep_spacing',
  ],
  sd21: [
    'hint:private-key@_diffusers_version',
    'hint:compatible-class-key@skip_prk_steps',
    'info:nonzero-terminal-snr-leading@timestep_spacing',
  ],
  sdxl: [
    'hint:private-key@_diffusers_version',
    'hint:compatible-class-key@clip_sample',
    'hint:compatible-class-key@sample_max_value',
    'hint:compatible-class-key@set_alpha_to_one',
    'hint:compatible-class-key@skip_prk_steps',
    'info:nonzero-terminal-snr-leading@timestep_spacing',
  ],
  // LCM takes its timesteps from original_inference_steps.
  lcm: ['hint:private-key@_diffusers_version', 'info:spacing-ignored@timestep_spacing'],
  // Trailing spacing: no terminal-SNR note, but steps_offset now does nothing.
  sdturbo: [
    'hint:private-key@_diffusers_version',
    'hint:compatible-class-key@clip_sample',
    'hint:compatible-class-key@sample_max_value',
    'hint:compatible-class-key@set_alpha_to_one',
    'hint:compatible-class-key@skip_prk_steps',
    'info:steps-offset-ignored@steps_offset',
  ],
};

test('released configs open cleanly and show the expected findings', () => {
  for (const [model, expected] of Object.entries(EXPECTED)) {
    const text = fixture(`${model}/scheduler_config.json`);
    const doc = readScheduleDocument(text, 'config', model);
    assert.equal(doc.schedules.length, 1, model);
    assert.deepEqual(
      doc.findings.map((f) => `${f.severity}:${f.code}@${f.path.join('.')}`),
      expected,
      model,
    );
  }
});

test('a finding about a key the file leaves to its default points at _class_name', () => {
  const text = fixture('sd15/scheduler_config.json');
  const doc = readScheduleDocument(text, 'config', 'sd15');
  const f = doc.findings.find((x) => x.code === 'nonzero-terminal-snr-leading')!;
  assert.equal(at(text, f.offset, f.length), '"PNDMScheduler"');
});

test('a string where a number belongs in a config is a core finding at that value', () => {
  const text = '{\n  "_class_name": "EulerDiscreteScheduler",\n  "beta_end": "0.012x"\n}';
  const doc = readScheduleDocument(text, 'config', 'x');
  const f = doc.findings.find((x) => x.path[0] === 'beta_end')!;
  assert.equal(f.severity, 'error');
  assert.equal(f.code, 'wrong-type');
  assert.equal(at(text, f.offset, f.length), '"0.012x"');
  assert.equal(doc.schedules.length, 0, 'an error leaves nothing to plot');
  assert.match(doc.error ?? '', /beta_end/);
});

test('a value nested 3,000 objects deep is a finding where the nesting goes too deep, not a stack overflow', () => {
  for (const [open, close] of [
    ['{"a":', '}'],
    ['[', ']'],
  ]) {
    const text = `{"_class_name": "DDIMScheduler",\n"x": ${open.repeat(3000)}1${close.repeat(3000)}}`;
    const doc = readScheduleDocument(text, 'config', 'deep');
    assert.deepEqual(
      doc.findings.map((f) => f.code),
      ['too-deep'],
    );
    // The root is level 1, so the 64th nested opener is the first past the limit.
    assert.equal(doc.findings[0].offset, text.indexOf(open) + 63 * open.length);
    assert.match(doc.error!, /Nested more than 64 levels deep at line 2/);
    assert.deepEqual(doc.schedules, []);
  }
});
