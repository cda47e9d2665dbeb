// Noise drawn ahead on the noise worker (noiseAhead.ts) is the engine thread's SeededNoise stream, value
// for value: a run's seeded noise moves to the worker at its second draw of one large enough shape, and
// then whether the worker's draw ahead is taken (the same shape again) or dropped (another shape), through
// the scalar path of small draws, a batch of seeds and a buffer that grows; a run told its steps draw noise
// moves at once (expect); a run that draws no step noise, or only small draws, never moves; bad shapes are refused as SeededNoise refuses them; and a started worker
// never keeps the process from ending.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import { AHEAD_MIN_VALUES, aheadNoise, prepareNoiseWorker, type ThenAhead } from '../../../src/engine/noiseAhead';
import { runNoise, SeededNoise, seededNoise } from '../../../src/engine/seededNoise';

const local = (seeds: number[]) => new SeededNoise(seeds.map((s) => new TorchGenerator(s)));

before(async () => {
  prepareNoiseWorker();
  const deadline = Date.now() + 20_000;
  while (!aheadNoise(local([0]).positions(), [1, 1])) {
    if (Date.now() > deadline) throw new Error('the noise worker did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});

test('a run moves to the worker at its second draw of a shape, and draws the engine thread stream', () => {
  const seeds = [7, 8];
  const ahead = seededNoise(seeds);
  const reference = local(seeds);
  // x_T, steps that take the draw ahead, a small draw (scalar path), a larger latent, and back.
  const shapes = [
    [2, 4, 64, 64],
    [2, 4, 64, 64],
    [2, 4, 64, 64],
    [2, 3],
    [2, 3],
    [2, 4, 64, 64],
    [2, 4, 96, 64],
    [2, 4, 96, 64],
    [2, 4, 64, 64],
  ];
  for (const [k, shape] of shapes.entries()) {
    assert.deepStrictEqual(ahead.randn(shape), reference.randn(shape), `draw ${k} [${shape.join(', ')}]`);
    assert.equal(ahead.drawsAhead, k > 0, `draw ${k} on the worker`);
  }
  // x_T alone (a run without step noise) stays on this thread.
  const once = seededNoise(seeds);
  once.randn([2, 4, 64, 64]);
  once.randn([2, 3]);
  assert.equal(once.drawsAhead, false);
});

test('told its steps draw a shape (expect), a run draws ahead from its first step, the same stream', () => {
  const seeds = [3, 4];
  const shape = [2, 4, 64, 64];
  const { noise, initial } = runNoise({ seed: 3 }, shape, true);
  const ahead = noise as ThenAhead;
  const reference = local(seeds);
  assert.deepStrictEqual(initial, reference.randn(shape), 'x_T');
  assert.equal(ahead.drawsAhead, true, 'on the worker before the first step draws');
  for (let k = 0; k < 6; k++) assert.deepStrictEqual(ahead.randn(shape), reference.randn(shape), `step ${k}`);
  // Without the hint the first step's draw is the engine thread's, as before.
  assert.equal((runNoise({ seed: 3 }, shape).noise as ThenAhead).drawsAhead, false);
  // A shape under AHEAD_MIN_VALUES stays on this thread even when expected.
  assert.equal((runNoise({ seed: 3 }, [2, 4, 32, 31], true).noise as ThenAhead).drawsAhead, false);
});

test('a run whose draws are under AHEAD_MIN_VALUES keeps them on this thread, the same stream', () => {
  const seeds = [7, 8];
  const small = seededNoise(seeds);
  const reference = local(seeds);
  const shape = [2, 4, 32, 31]; // one row short of 8,192 values a seed
  assert.ok(2 * 4 * 32 * 31 < AHEAD_MIN_VALUES);
  for (let k = 0; k < 4; k++) {
    assert.deepStrictEqual(small.randn(shape), reference.randn(shape), `draw ${k}`);
    assert.equal(small.drawsAhead, false, `draw ${k} on this thread`);
  }
});

test('a draw goes into the buffer given', () => {
  const reference = local([3]);
  const ahead = aheadNoise(reference.positions(), [1, 4, 64, 64])!;
  const buffer = new Float32Array(4 * 64 * 64);
  for (let step = 0; step < 4; step++) {
    assert.equal(ahead.randn([1, 4, 64, 64], buffer), buffer);
    assert.deepStrictEqual(buffer, reference.randn([1, 4, 64, 64]), `step ${step}`);
  }
});

test('bad shapes and buffers are refused as the engine thread refuses them', () => {
  const ahead = aheadNoise(local([1, 2]).positions(), [2, 16])!;
  assert.throws(() => ahead.randn([3, 4]), /noise for a batch of 3 from 2 seeds/);
  assert.throws(() => ahead.randn([2, 1.5]), /invalid shape/);
  assert.throws(() => ahead.randn([2, 4], new Float32Array(7)), /out has 7 values/);
  // The refusals drew nothing: the stream goes on where it was.
  assert.deepStrictEqual(ahead.randn([2, 16]), local([1, 2]).randn([2, 16]));
});

test('draws asked for ahead several at once are the stream, wherever another shape breaks in', () => {
  const seeds = [5];
  const latent = [1, 4, 64, 64];
  const ahead = aheadNoise(local(seeds).positions(), latent)!;
  const reference = local(seeds);
  // Another shape after 0 to 5 and 9 draws of the latent shape (inside a group of four drawn ahead and past
  // one), twice in a row once, then a long run of the latent shape.
  const shapes = [0, 1, 2, 3, 4, 5, 0, 9].flatMap((k) => [...Array<number[]>(k).fill(latent), [1, 3]]);
  for (const [k, shape] of [...shapes, ...Array<number[]>(13).fill(latent)].entries()) {
    assert.deepStrictEqual(ahead.randn(shape), reference.randn(shape), `draw ${k} [${shape.join(', ')}]`);
  }
});

test('a started noise worker does not keep the process alive', () => {
  const module = join(__dirname, '..', '..', '..', 'src', 'engine', 'noiseAhead.ts');
  const script = `require(${JSON.stringify(module)}).prepareNoiseWorker(); console.log('prepared');`;
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, `the process did not end by itself: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /prepared\n/);
});
