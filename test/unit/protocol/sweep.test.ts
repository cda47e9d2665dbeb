// Sweep files: what a good one expands to, and the finding (path, code) each kind of mistake gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep, type Sweep } from '../../../src/protocol/sweep';
import { cellAt, cellCount, cellsText, expandCells } from '../../../src/protocol/sweepCells';
import type { ModelFit } from '../../../src/protocol/modelFit';
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
