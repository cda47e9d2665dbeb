// Sweep files: what a good one expands to, and the finding (path, code) each kind of mistake gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep, type Sweep } from '../../../src/protocol/sweep';
import { show } from '../../../src/protocol/sweepAxes';
import { cellAt, cellCount, cellsText, expandCells } from '../../../src/protocol/sweepCells';
import type { ModelFit } from '../../../src/protocol/modelFit';
import type { ScheduleEntry } from '../../../src/protocol/schedule';
import { fitOf } from './modelFitFixture';

const base = {
  modelDir: '../models/tiny-shapes',
  prompt: 'a red circle',
  negativePrompt: 'red blur',
  seed: 7,
  steps: 4,
};
const good = {
  version: 1,
  base,
  x: { field: 'sampler', values: ['Euler', 'DPM++ 2M Karras'] },
  y: { field: 'promptSR', values: ['red', 'green', 'blue'] },
  z: { field: 'seed', values: { from: 10, count: 2 } },
};

function sweepOf(json: unknown): Sweep {
  const { sweep, findings } = parseSweep(json);
  assert.deepEqual(findings, []);
  return sweep!;
}

/** The [path, code] of every finding of a sweep made from `good` with `change` applied. */
function findingsOf(change: Record<string, unknown>, options?: { cellLimit?: number }) {
  const reading = parseSweep({ ...good, ...change }, options);
  return { sweep: reading.sweep, found: reading.findings.map((f) => [f.path.join('.'), f.code, f.severity]) };
}

test("a good sweep parses with no findings and fills the base run's defaults", () => {
  const sweep = sweepOf(good);
  assert.equal(sweep.base.guidanceRescale, 0);
  assert.equal(sweep.base.batchSize, 1);
  assert.deepEqual(sweep.axes.z, { field: 'seed', values: [10, 11] });
  assert.equal(cellCount(sweep), 12);
});

test('cells come x fastest, then y, then z, with each axis value applied to the base run', () => {
  const cells = expandCells(sweepOf(good));
  assert.deepEqual(
    cells.map((c) => [c.at.x, c.at.y, c.at.z]),
    [
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
      [0, 2, 0],
      [1, 2, 0],
      [0, 0, 1],
      [1, 0, 1],
      [0, 1, 1],
      [1, 1, 1],
      [0, 2, 1],
      [1, 2, 1],
    ],
  );
  assert.deepEqual(
    cells.map((c) => c.index),
    [...cells.keys()],
  );
  const c = cells[9];
  assert.deepEqual(c.values, { x: 'DPM++ 2M Karras', y: 'green', z: 11 });
  // An A1111 name runs A1111's own sampler (src/protocol/samplerChoice.ts).
  assert.deepEqual(c.spec.toolSampler, { tool: 'a1111', sampler: 'DPM++ 2M Karras' });
  // Prompt S/R replaces in both prompts, as A1111 does.
  assert.equal(c.spec.prompt, 'a green circle');
  assert.equal(c.spec.negativePrompt, 'green blur');
  assert.equal(c.spec.seed, 11);
  assert.equal(c.spec.modelDir, '../models/tiny-shapes');
  assert.deepEqual(cellAt(sweepOf(good), 9), c);
});

test('scheduler fields: spacing, σ schedule (turning the others off), inline keys, size and schedule files', () => {
  const one = (field: string, value: unknown) =>
    expandCells(sweepOf({ version: 1, base, x: { field, values: [value] } }))[0];
  assert.deepEqual(one('spacing', 'trailing').spec.scheduler, { timestep_spacing: 'trailing' });
  assert.equal(one('spacing', 'default').spec.scheduler, undefined);
  assert.deepEqual(one('sigmaSchedule', 'beta').spec.scheduler, {
    use_karras_sigmas: false,
    use_exponential_sigmas: false,
    use_beta_sigmas: true,
  });
  assert.deepEqual(one('scheduler', { _class_name: 'DDIMScheduler', eta: 0.5 }).spec.scheduler, {
    _class_name: 'DDIMScheduler',
    eta: 0.5,
  });
  assert.deepEqual([one('size', '96x32').spec.width, one('size', '96x32').spec.height], [96, 32]);
  assert.equal(one('scheduleFile', 'a.schedule.json#sd').scheduleFile, 'a.schedule.json#sd');
  assert.equal(one('sampler', 'DDIMScheduler').spec.scheduler?._class_name, 'DDIMScheduler');
  assert.equal(one('subseed', 5).spec.subseed, 5);
  const varied = { version: 1, base: { ...base, subseed: 3 }, x: { field: 'subseedStrength', values: [0.25] } };
  assert.equal(expandCells(sweepOf(varied))[0].spec.subseedStrength, 0.25);
  assert.equal(one('initImage', 'in/cat.png').spec.initImage, 'in/cat.png');
  const img2img = { version: 1, base: { ...base, initImage: 'in/cat.png' }, x: { field: 'strength', values: [0.6] } };
  assert.equal(expandCells(sweepOf(img2img))[0].spec.strength, 0.6);
  const noImage = parseSweep({ ...img2img, base }).findings.map((f) => [f.path.join('.'), f.code]);
  assert.deepEqual(noImage, [['x.values.0', 'engine-refuses']], 'strength needs an init image');
});

test('unknown fields are errors at their path', () => {
  assert.deepEqual(findingsOf({ xaxis: {} }).found, [['xaxis', 'unknown-field', 'error']]);
  assert.deepEqual(findingsOf({ base: { ...base, cfg: 3 } }).found, [['base.cfg', 'unknown-field', 'error']]);
  assert.deepEqual(findingsOf({ x: { field: 'cfg', values: [1] } }).found, [['x.field', 'unknown-field', 'error']]);
  assert.deepEqual(findingsOf({ x: { field: 'steps', values: [1], step: 2 } }).found, [
    ['x.step', 'unknown-field', 'error'],
  ]);
});

test('an empty axis, a bad value and a value the engine would refuse are errors at the value', () => {
  const { found, sweep } = findingsOf({ x: { field: 'steps', values: [] } });
  assert.deepEqual(found, [['x.values', 'empty-axis', 'error']]);
  assert.equal(sweep, undefined);
  assert.deepEqual(findingsOf({ x: { field: 'steps', values: [4, 'ten'] } }).found, [
    ['x.values.1', 'bad-value', 'error'],
  ]);
  assert.deepEqual(findingsOf({ x: { field: 'steps', values: [4, 0, 2.5] } }).found, [
    ['x.values.1', 'engine-refuses', 'error'],
    ['x.values.2', 'engine-refuses', 'error'],
  ]);
  assert.deepEqual(findingsOf({ x: { field: 'guidanceRescale', values: [0.5, 2] } }).found, [
    ['x.values.1', 'engine-refuses', 'error'],
  ]);
  assert.deepEqual(findingsOf({ x: { field: 'sampler', values: ['Euler', 'Eulr'] } }).found, [
    ['x.values.1', 'bad-value', 'error'],
  ]);
  assert.match(
    parseSweep({ ...good, x: { field: 'sampler', values: ['Eulr'] } }).findings[0].message,
    /"Eulr": .*give a diffusers class/,
  );
  assert.deepEqual(findingsOf({ x: { field: 'size', values: ['64x64', '64*64'] } }).found, [
    ['x.values.1', 'bad-value', 'error'],
  ]);
  assert.deepEqual(findingsOf({ x: { field: 'spacing', values: ['trailing', 'late'] } }).found, [
    ['x.values.1', 'bad-value', 'error'],
  ]);
  assert.deepEqual(findingsOf({ z: { field: 'seed', values: { from: 1, count: 0 } } }).found, [
    ['z.values.count', 'bad-value', 'error'],
  ]);
});

test('the base run is checked as the engine checks a run, and must be cacheable', () => {
  assert.deepEqual(findingsOf({ base: { ...base, steps: 0 } }).found, [['base.steps', 'engine-refuses', 'error']]);
  assert.deepEqual(findingsOf({ base: { ...base, seed: -1 }, z: undefined }).found, [
    ['base.seed', 'random-seed', 'error'],
  ]);
  const { seed: _s, ...unseeded } = base;
  assert.deepEqual(findingsOf({ base: unseeded, z: undefined }).found, [['base', 'missing-seed', 'error']]);
  assert.deepEqual(findingsOf({ base: unseeded }).found, [], 'a seed axis gives the seed');
  assert.deepEqual(findingsOf({ base: { ...base, batchSize: 2 } }).found, [['base.batchSize', 'batch', 'error']]);
  assert.deepEqual(findingsOf({ base: { ...base, subseed: -1, subseedStrength: 0.2 } }).found, [
    ['base.subseed', 'random-seed', 'error'],
  ]);
  assert.deepEqual(findingsOf({ version: 2 }).found, [['version', 'bad-version', 'error']]);
  assert.deepEqual(findingsOf({ base: 'x' }).found, [['base', 'missing-base', 'error']]);
  assert.deepEqual(
    parseSweep([]).findings.map((f) => f.code),
    ['not-an-object'],
  );
});

test('combinations the engine refuses that no first value shows are found in the grid, naming the other axes', () => {
  // A1111's UniPC needs 3 steps and the SDE samplers 2: the steps axis's 1 and 2 meet them on the sampler axis.
  const grid = {
    x: { field: 'sampler', values: ['Euler', 'UniPC', 'DPM++ 2M SDE'] },
    y: { field: 'steps', values: [4, 1, 2] },
    z: undefined,
  };
  const { sweep, found } = findingsOf(grid);
  assert.equal(sweep, undefined, 'no sweep to run');
  const messages = parseSweep({ ...good, ...grid }).findings.map((f) => [f.path.join('.'), f.message]);
  assert.deepEqual(messages, [
    ['y.values.1', `with x = "UniPC": A1111's UniPC needs at least 3 steps (it runs at order 3), not 1`],
    [
      'y.values.1',
      `with x = "DPM++ 2M SDE": A1111's DPM++ 2M SDE needs at least 2 steps (its Brownian-tree noise runs between two σ), not 1`,
    ],
    ['y.values.2', `with x = "UniPC": A1111's UniPC needs at least 3 steps (it runs at order 3), not 2`],
  ]);
  assert.ok(found.every(([, code, severity]) => code === 'engine-refuses' && severity === 'error'));
  // A field no axis sets is found once, at the top, naming the first cell with it.
  // A variation seed is A1111's: A1111's samplers take it, ComfyUI's (their own noise convention) do not.
  const sampler = { field: 'sampler', values: ['DDIMScheduler', 'Euler a', 'euler_ancestral'] };
  const varied = parseSweep({ ...good, base: { ...base, subseed: 3, subseedStrength: 0.2 }, x: sampler }).findings;
  const cell2 = 'cell 2 (x = "euler_ancestral", y = "red", z = 10), and any others like it';
  assert.deepEqual(
    varied.map((f) => [f.path.join('.'), f.message]),
    [
      [
        '',
        `${cell2}: a variation seed is A1111's: with a tool sampler it takes the a1111 noise convention, not comfyui`,
      ],
    ],
  );
});

test('two axes over one field, a Prompt S/R search the prompts lack, and repeated values', () => {
  assert.deepEqual(findingsOf({ y: { field: 'sampler', values: ['DDIM'] } }).found, [
    ['y.field', 'duplicate-field', 'error'],
  ]);
  assert.deepEqual(findingsOf({ y: { field: 'promptSR', values: ['square', 'circle'] } }).found, [
    ['y.values.0', 'search-not-found', 'error'],
  ]);
  const { found, sweep } = findingsOf({ x: { field: 'steps', values: [4, 4] } });
  assert.deepEqual(found, [['x.values.1', 'duplicate-value', 'warning']]);
  assert.ok(sweep, 'a warning still gives the sweep');
});

test('more cells than the limit is a warning at the root, and the sweep is still read', () => {
  const { found, sweep } = findingsOf({}, { cellLimit: 11 });
  assert.deepEqual(found, [['', 'many-cells', 'warning']]);
  assert.equal(cellCount(sweep!), 12);
  assert.deepEqual(findingsOf({}, { cellLimit: 12 }).found, []);
});

test('a σ schedule crossed with a sampler that lacks it is a warning at the value', () => {
  const { found, sweep } = findingsOf({
    y: { field: 'sigmaSchedule', values: ['default', 'karras'] },
    x: { field: 'sampler', values: ['EulerDiscreteScheduler', 'DDIMScheduler'] },
  });
  assert.deepEqual(found, [['y.values.1', 'ignored-key', 'warning']]);
  assert.ok(sweep);
  const spacing = findingsOf({
    y: { field: 'spacing', values: ['trailing'] },
    x: { field: 'sampler', values: ['LCMScheduler', 'DDIMScheduler'] },
  });
  assert.deepEqual(spacing.found, []);
});

test('fields that need another are checked with the other axes in place', () => {
  // A base strength with the init image on an axis, and strength × init image axes, are both fine.
  const images = { field: 'initImage', values: ['a.png', 'b.png'] };
  assert.deepEqual(findingsOf({ base: { ...base, strength: 0.5 }, x: images }).found, []);
  assert.deepEqual(findingsOf({ x: images, y: { field: 'strength', values: [0.3, 2] } }).found, [
    ['y.values.1', 'engine-refuses', 'error'],
  ]);
});

test('a sweep base naming a refiner is refused at base.refiner (cells key and resolve one model folder)', () => {
  const { sweep, found } = findingsOf({ base: { ...base, refiner: '../models/xl-refiner' } });
  assert.equal(sweep, undefined);
  assert.deepEqual(found[0], ['base.refiner', 'unsupported', 'error']);
});

test('a count of cells reads "1 cell", "0 cells", "4 cells"', () => {
  assert.deepEqual([1, 0, 4].map(cellsText), ['1 cell', '0 cells', '4 cells']);
});

test("with the host's model facts, what a model refuses is said at the value that causes it", () => {
  const fit = fitOf;
  const models: Record<string, ModelFit | string> = {
    free: fit('free'),
    fixed: fit('fixed', { fixedLatent: { width: 8, height: 8 } }),
    inpaint: fit('inpaint', { inpaintingChannels: 9 }),
    gone: 'model folder gone does not exist',
  };
  const files = { model: (dir: string) => models[dir] ?? fit(dir), problem: () => undefined };
  const read = (json: Record<string, unknown>) =>
    parseSweep({ version: 1, ...json }, { files }).findings.map((f) => [f.path.join('.'), f.message]);
  const sizes = { field: 'size', values: ['64x64', '72x64'] };
  assert.deepEqual(read({ base: { ...base, modelDir: 'free' }, x: sizes }), []);
  assert.deepEqual(read({ base: { ...base, modelDir: 'fixed' }, x: sizes }), [
    ['x.values.1', "width must be 64: fixed's UNet takes a fixed size"],
  ]);
  assert.deepEqual(read({ base: { ...base, modelDir: 'gone' } }), [
    ['base.modelDir', 'base model folder gone does not exist'],
  ]);
  // Off the first model, a refusal no axis's field explains is the model's; a size is the size axis's.
  const models4 = { field: 'modelDir', values: ['free', 'fixed', 'inpaint', 'gone'] };
  assert.deepEqual(read({ base, x: sizes, y: models4 }), [
    ['y.values.3', 'model folder gone does not exist'],
    ['x.values.1', `with y = "fixed": width must be 64: fixed's UNet takes a fixed size`],
    [
      'y.values.2',
      "inpaint's UNet is an inpainting UNet (9 input channels: latents, mask, masked image): " +
        'give an init image and a mask, or an init image and an A1111 or ComfyUI sampler',
    ],
  ]);
  // Without the host's facts (a webview, a pure reader) the same sweep has nothing to say.
  assert.deepEqual(parseSweep({ version: 1, base, x: sizes, y: models4 }).findings, []);
});

test("with the host's reading of files, a missing schedule file or input image is said at the value", () => {
  const files = {
    model: () => fitOf('m'),
    problem: (kind: string, ref: string) => (ref.startsWith('missing') ? `${kind} ${ref} does not exist` : undefined),
  };
  const read = (json: Record<string, unknown>) =>
    parseSweep({ version: 1, ...json }, { files }).findings.map((f) => [f.path.join('.'), f.message]);
  assert.deepEqual(read({ base, x: { field: 'scheduleFile', values: ['a.json', 'missing.json'] } }), [
    ['x.values.1', 'scheduleFile missing.json does not exist'],
  ]);
  assert.deepEqual(read({ base: { ...base, initImage: 'missing.png', strength: 0.5 } }), [
    ['base.initImage', 'base initImage missing.png does not exist'],
  ]);
  assert.deepEqual(
    read({ base: { ...base, strength: 0.5 }, y: { field: 'initImage', values: ['a.png', 'missing.png'] } }),
    [['y.values.1', 'initImage missing.png does not exist']],
  );
});

test('a size axis with a width or height axis sets one field twice; a size axis over a base size wins', () => {
  const read = (json: Record<string, unknown>) =>
    parseSweep({ version: 1, base, ...json }).findings.map((f) => [f.path.join('.'), f.code, f.message]);
  assert.deepEqual(read({ x: { field: 'size', values: ['32x32'] }, y: { field: 'width', values: [64, 128] } }), [
    ['y.field', 'duplicate-field', 'axes x (size) and y (width) both set width: vary it on one axis'],
  ]);
  assert.deepEqual(
    read({ x: { field: 'height', values: [64] }, z: { field: 'size', values: ['64x64'] } }).map(([path]) => path),
    ['z.field'],
  );
  // Scheduler keys merge: a sampler axis and a σ schedule axis are fine, two inline scheduler axes are not.
  const inline = { field: 'scheduler', values: [{ eta: 0.5 }] };
  assert.deepEqual(read({ x: inline, y: { field: 'sigmaSchedule', values: ['karras'] } }), []);
  assert.deepEqual(
    read({ x: inline, y: inline }).map(([path, code]) => [path, code]),
    [['y.field', 'duplicate-field']],
  );
  const sized = sweepOf({
    version: 1,
    base: { ...base, width: 96, height: 96 },
    x: { field: 'size', values: ['64x32'] },
  });
  const { width, height } = expandCells(sized)[0].spec;
  assert.deepEqual([width, height], [64, 32]);
});

test('a problem repeated over many values of an axis is shown for the first few, then counted', () => {
  const range = { field: 'seed', values: { from: 4294967295, count: 100_000 } };
  const atX = parseSweep({ version: 1, base, x: range }).findings.filter((f) => f.path[0] === 'x');
  assert.deepEqual(
    atX.map((f) => f.path.join('.')),
    ['x.values.0', 'x.values.1', 'x.values.2', 'x.values.3', 'x.values.4', 'x.values'],
  );
  assert.match(atX[1].message, /not 4294967296$/);
  assert.deepEqual(atX[5], {
    severity: 'error',
    path: ['x', 'values'],
    code: 'same-problem',
    message: '…and 99,995 more values of x with the same problem',
  });
  // Five of one problem are all shown; a problem of another kind on the same values is counted apart.
  const zeros = (n: number) => ({ field: 'steps', values: Array.from({ length: n }, () => 0) });
  const five = parseSweep({ version: 1, base, x: zeros(5) }).findings;
  assert.deepEqual(
    five.filter((f) => f.code === 'engine-refuses').map((f) => f.path.join('.')),
    ['x.values.0', 'x.values.1', 'x.values.2', 'x.values.3', 'x.values.4'],
  );
  const seven = parseSweep({ version: 1, base, x: zeros(7) }).findings;
  assert.deepEqual(
    seven.filter((f) => f.code === 'same-problem').map((f) => [f.severity, f.message]),
    [
      ['error', '…and 2 more values of x with the same problem'],
      ['warning', '…and 1 more value of x with the same problem'],
    ],
  );
  assert.equal(seven.length, 12, 'five refusals, five repeated values and a count of each');
});

test('a value echoed in a message is cut to 80 characters, any message to 1,000', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 3000; i++) deep = { k: deep };
  const [f] = parseSweep({ version: 1, base, x: { field: 'steps', values: [4, deep] } }).findings;
  assert.equal(f.path.join('.'), 'x.values.1');
  assert.match(f.message, /^steps must be a number, not \{"k":\{"k":.*…$/);
  assert.ok(f.message.length < 120, `${f.message.length} characters`);
  // checkRunSpec echoes a base value whole: the message is cut.
  const [atBase] = parseSweep({ version: 1, base: { ...base, steps: deep } }).findings;
  assert.equal(atBase.path.join('.'), 'base.steps');
  assert.equal(atBase.message.length, 1000);
  assert.equal(show('a'.repeat(200)).length, 80);
  assert.equal(show('short'), '"short"');
});

test("a field an axis replaces is the value's to answer for, a field built on the base's stays the base's", () => {
  const read = (json: Record<string, unknown>) =>
    parseSweep({ version: 1, ...json }).findings.map((f) => [f.path.join('.'), f.code]);
  // The base's steps never run: the axis's 0 is the problem.
  assert.deepEqual(read({ base: { ...base, steps: 0 }, x: { field: 'steps', values: [0, 4] } }), [
    ['x.values.0', 'engine-refuses'],
  ]);
  assert.deepEqual(read({ base: { ...base, steps: 0 }, x: { field: 'steps', values: [2, 4] } }), []);
  // Prompt S/R builds on the base prompt: its bad syntax is the base's.
  const broken = { ...base, prompt: 'a red circle (square:99999)' };
  assert.deepEqual(read({ base: broken, x: { field: 'promptSR', values: ['red', 'blue'] } }), [
    ['base.prompt', 'engine-refuses'],
  ]);
});

/** A DDIM training schedule, as the default model's scheduler_config.json. */
const ddimConfig = {
  _class_name: 'DDIMScheduler',
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
};

test("with the host's reading, scheduler keys and schedule files the engine refuses are errors at the value", () => {
  const schedules: Record<string, ScheduleEntry> = {
    'ddim.schedule.json#a': { name: 'a', config: { _class_name: 'DDIMScheduler' }, timesteps: [999, 500] },
    'euler.json': { name: 'euler', config: { _class_name: 'EulerDiscreteScheduler' }, timesteps: [999, 500] },
    'far.json': { name: 'far', config: { _class_name: 'EulerDiscreteScheduler' }, timesteps: [1500, 500] },
    'sigmas.json': { name: 'sigmas', config: {}, sigmas: [1e6, 1, 0] },
  };
  const files = {
    model: () => fitOf('m', { scheduler: ddimConfig }),
    problem: () => undefined,
    schedule: (ref: string) => schedules[ref],
  };
  const read = (json: Record<string, unknown>) =>
    parseSweep({ version: 1, ...json }, { files }).findings.map((f) => [f.path.join('.'), f.severity, f.message]);
  const dpm = { _class_name: 'DPMSolverMultistepScheduler', solver_order: 99 };
  assert.deepEqual(
    read({ base, x: { field: 'scheduler', values: [{ _class_name: 'EulerDiscreteScheduler' }, dpm] } }),
    [['x.values.1', 'error', 'cannot build the scheduler: solver_order = 99 is above the maximum 3']],
  );
  const [ddim] = read({ base, x: { field: 'scheduleFile', values: ['euler.json', 'ddim.schedule.json#a'] } });
  assert.deepEqual(ddim.slice(0, 2), ['x.values.1', 'error']);
  assert.match(ddim[2], /^DDIMScheduler cannot take custom timesteps: /);
  // Explicit timesteps or σ past the training schedule, for a diffusers or a tool sampler alike.
  assert.deepEqual(read({ base, x: { field: 'scheduleFile', values: ['euler.json', 'far.json'] } }), [
    ['x.values.1', 'error', 'custom timestep 1500 is outside the training range 0 to 999'],
  ]);
  const tool = read({
    base: { ...base, toolSampler: { tool: 'a1111', sampler: 'Euler' } },
    x: { field: 'scheduleFile', values: ['sigmas.json'] },
  });
  assert.deepEqual(
    tool.map(([path, severity]) => [path, severity]),
    [['x.values.0', 'error']],
  );
  assert.match(tool[0][2], /^custom sigma 1000000 is outside the training range 0 to 14\.6/);
  // A base key the σ schedule axis's keys merge with is the base's, whichever σ schedule.
  const merged = read({
    base: { ...base, scheduler: { beta_start: -1 } },
    x: { field: 'sigmaSchedule', values: ['karras'] },
  });
  assert.deepEqual(
    merged.map(([path, severity]) => [path, severity]),
    [['base.scheduler', 'error']],
  );
  // Combinations too: PNDM's warm-up needs 4 steps.
  const pndm = read({
    base,
    x: { field: 'sampler', values: ['DDIMScheduler', 'PNDMScheduler'] },
    y: { field: 'steps', values: [4, 2] },
  });
  assert.deepEqual(
    pndm.map(([path, severity]) => [path, severity]),
    [['y.values.1', 'error']],
  );
  assert.match(pndm[0][2], /^with x = "PNDMScheduler": PNDMScheduler cannot take 2 steps: /);
  // Without the host's reading there is no model config to build on.
  assert.deepEqual(parseSweep({ version: 1, base, x: { field: 'scheduler', values: [dpm] } }).findings, []);
});

test("the scheduler's reading is kept between readings of a sweep, for its model's config only", () => {
  // The same sweep read against two models: DDIM cannot take 50 steps of a 40-step training schedule.
  const read = (scheduler: Record<string, unknown>) =>
    parseSweep(
      { version: 1, base, x: { field: 'sampler', values: ['DDIMScheduler'] }, y: { field: 'steps', values: [4, 50] } },
      { files: { model: () => fitOf('m', { scheduler }), problem: () => undefined } },
    ).findings.map((f) => f.path.join('.'));
  const short = { ...ddimConfig, num_train_timesteps: 40 };
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(read(short), ['y.values.1'], `round ${round}`);
    assert.deepEqual(read(ddimConfig), [], `round ${round}`);
  }
});

test("with the host's reading, a misspelt scheduler key warns at the value or base that writes it", () => {
  const typo = { _class_name: 'EulerDiscreteScheduler', use_karas_sigmas: true };
  const files = {
    model: () => fitOf('m', { scheduler: ddimConfig }),
    problem: () => undefined,
    schedule: () => ({ name: 'typo', config: typo }),
  };
  const reading = (json: Record<string, unknown>) => parseSweep({ version: 1, ...json }, { files });
  const found = (json: Record<string, unknown>) =>
    reading(json).findings.map((f) => [f.path.join('.'), f.severity, f.code]);
  const inline = { base, x: { field: 'scheduler', values: [{ _class_name: 'EulerDiscreteScheduler' }, typo] } };
  assert.deepEqual(found(inline), [['x.values.1', 'warning', 'unknown-key']]);
  assert.match(reading(inline).findings[0].message, /use_karas_sigmas .*EulerDiscreteScheduler.*use_karras_sigmas\?$/);
  assert.ok(reading(inline).sweep, 'a warning still gives the sweep');
  assert.deepEqual(found({ base, x: { field: 'scheduleFile', values: ['typo.json'] } }), [
    ['x.values.0', 'warning', 'unknown-key'],
  ]);
  assert.deepEqual(found({ base: { ...base, scheduler: typo }, x: { field: 'steps', values: [2, 3] } }), [
    ['base.scheduler', 'warning', 'unknown-key'],
  ]);
});

test("with the host's reading of images, a mask of another size than its init image is said where it differs", () => {
  const sizes: Record<string, { width: number; height: number }> = {
    'a.png': { width: 64, height: 64 },
    'small.png': { width: 32, height: 32 },
  };
  const files = { model: () => fitOf('m'), problem: () => undefined, imageSize: (ref: string) => sizes[ref] };
  const read = (json: Record<string, unknown>) =>
    parseSweep({ version: 1, ...json }, { files }).findings.map((f) => [f.path.join('.'), f.message]);
  const img2img = { ...base, initImage: 'a.png', strength: 0.5 };
  assert.deepEqual(read({ base: { ...img2img, mask: 'small.png' } }), [
    ['base.mask', 'mask "small.png" is 32x32 but the init image "a.png" is 64x64; they must be the same size'],
  ]);
  assert.deepEqual(read({ base: { ...img2img, mask: 'a.png' } }), []);
  const images = { field: 'initImage', values: ['a.png', 'small.png'] };
  assert.deepEqual(read({ base: { ...img2img, mask: 'a.png' }, x: images }), [
    ['x.values.1', 'mask "a.png" is 64x64 but the init image "small.png" is 32x32; they must be the same size'],
  ]);
});
