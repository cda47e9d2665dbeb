// Running a sweep with a stand-in engine: which cells call the model, what the folder holds, the
// cache by content key, an output folder that is not the sweep's refused, and merging shards' folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import type { GenerateRequest, GenerateResult } from '../../../src/protocol/engine';
import { parseSweep, sweepToJson, type Sweep } from '../../../src/protocol/sweep';
import { cellAt, expandCells } from '../../../src/protocol/sweepCells';
import { EngineError, type EngineClient } from '../../../src/runs/engineClient';
import { readPngText } from '../../../src/png/pngText';
import { SweepError, type ResolvedCell } from '../../../src/runs/sweepFiles';
import { RunInputError } from '../../../src/runs/inputImages';
import { GRID_KEY, OutFolderError, readCellImage, readIndex } from '../../../src/runs/sweepIndex';
import { mergeSweeps } from '../../../src/runs/sweepMerge';
import { runSweep, type SweepProgress } from '../../../src/runs/sweepRun';
import { shardCells } from '../../../src/runs/sweepShard';
import { sampleInfo } from './sampleInfo';
import { togetherThrough } from './standInTogether';

const SIDE = 4;
const sweep: Sweep = parseSweep({
  version: 1,
  base: { modelDir: 'm', prompt: 'p', seed: 1, steps: 3 },
  x: { field: 'seed', values: [1, 2] },
  y: { field: 'steps', values: [2, 3] },
}).sweep!;
const model = { hash: 'abcdef0123', scheduler: { _class_name: 'DDIMScheduler' }, guidanceScale: 3 };
const resolved = (indices: number[]): ResolvedCell[] =>
  indices
    .map((i) => cellAt(sweep, i))
    .map((c) => ({ ...c, run: { ...c.spec, modelDir: '/abs/m' }, model, inputs: {} }));

/** An engine that paints each image one grey level per seed and counts its runs, and the runs made together. */
function fakeEngine() {
  const calls: GenerateRequest[] = [];
  const together: number[] = [];
  let starts = 0;
  const engine = {
    generateTogether(members: Parameters<EngineClient['generateTogether']>[0]) {
      together.push(members.length);
      return togetherThrough(engine)(members);
    },
    generate(
      request: GenerateRequest,
      o: { onStep?: (e: { step: number; totalSteps: number }) => void } = {},
    ): Promise<GenerateResult> {
      calls.push(request);
      const { spec } = request;
      const steps = spec.steps ?? 1; // the fake model's own count
      for (let s = 0; s < steps; s++) o.onStep?.({ step: s, totalSteps: steps });
      const seeds = Array.from({ length: spec.batchSize }, (_, i) => spec.seed + i);
      const images = seeds.map((seed) => {
        const rgba = new Uint8Array(SIDE * SIDE * 4).fill(seed * 40 + steps);
        return {
          width: SIDE,
          height: SIDE,
          rgba,
          png: encode({ width: SIDE, height: SIDE, data: rgba, channels: 4, depth: 8 }),
        };
      });
      return Promise.resolve({
        images,
        info: sampleInfo({ spec: { ...spec, guidanceScale: 3, width: SIDE, height: SIDE }, seeds }),
      });
    },
  } as unknown as EngineClient;
  return { calls, together, starts: () => starts, factory: () => (starts++, engine) };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'dl-sweep-'));

test('every cell runs once through one engine, consecutive seeds as one batch, with progress', async () => {
  const out = tmp();
  const e = fakeEngine();
  const progress: SweepProgress[] = [];
  const report = await runSweep(sweep, resolved([0, 1, 2, 3]), {
    outDir: out,
    engine: e.factory,
    runOptions: {},
    onProgress: (p) => progress.push(p),
  });
  assert.equal(e.starts(), 1);
  assert.deepEqual(e.together, [2], 'the two batches of one model run side by side');
  assert.deepEqual(
    e.calls.map((c) => [c.spec.seed, c.spec.batchSize, c.spec.steps, c.spec.modelDir]),
    [
      [1, 2, 2, '/abs/m'],
      [1, 2, 3, '/abs/m'],
    ],
  );
  assert.deepEqual(report.ran, [0, 1, 2, 3]);
  assert.equal(progress.length, 2 + 3);
  assert.deepEqual(
    progress.at(-1),
    { cell: 1, lastCell: 4, cells: 4, indices: [0, 1, 2, 3], step: 3, steps: 3 },
    'a group reports all its cells',
  );
  const index = readIndex(out);
  assert.deepEqual(
    index.cells.map((c) => c.file),
    readdirSync(out)
      .filter((f) => f.startsWith('cell-'))
      .sort(),
  );
  assert.equal(new Set(index.cells.map((c) => c.key)).size, 4);
  // Each cell of a batch gets its own seed's image (the stand-in paints seed · 40 + steps).
  assert.deepEqual(
    await Promise.all(index.cells.map(async (c) => (await readCellImage(join(out, c.file))).rgba[0])),
    [42, 82, 43, 83],
  );
  assert.ok(report.grid);
  const grid = readFileSync(join(out, 'grid.png'));
  assert.deepEqual(
    parseSweep(JSON.parse(readPngText(grid)[GRID_KEY]).sweep).sweep,
    sweep,
    'the grid holds the sweep file',
  );
  // The cell PNG carries the usual run record: seed 2 is image 2 of the batch from seed 1.
  assert.match(readPngText(readFileSync(join(out, index.cells[3].file))).parameters, /Steps: 3, .*Seed: 2/);
});

test("a group's batches are kept as each ends, not at the group's end", async () => {
  const e = fakeEngine();
  const engine = e.factory();
  const generate = engine.generate.bind(engine);
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  // The second batch (steps 3) ends only when released.
  engine.generate = (request, o = {}) =>
    request.spec.steps === 3 ? held.then(() => generate(request, o)) : generate(request, o);
  const kept: number[] = [];
  const progress: SweepProgress[] = [];
  const running = runSweep(sweep, resolved([0, 1, 2, 3]), {
    outDir: tmp(),
    engine: () => engine,
    runOptions: {},
    onCell: (index) => kept.push(index),
    onProgress: (p) => progress.push(p),
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(e.together, [2], 'both batches went together');
  assert.deepEqual(kept, [0, 1], "the first batch's cells, while the second still runs");
  assert.deepEqual(
    progress.map((p) => p.indices),
    [
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ],
    "the first batch's steps, the group's cells running",
  );
  release();
  await running;
  assert.deepEqual(kept, [0, 1, 2, 3]);
  assert.deepEqual(
    progress.slice(2).map((p) => p.indices),
    [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    'once the first batch is kept, its cells are no longer running',
  );
});

test('maxBatch 1 runs every cell alone', async () => {
  const e = fakeEngine();
  await runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: tmp(), engine: e.factory, runOptions: {}, maxBatch: 1 });
  assert.deepEqual(e.together, [1, 1, 1, 1]);
  assert.deepEqual(
    e.calls.map((c) => [c.spec.seed, c.spec.batchSize, c.spec.steps]),
    [
      [1, 1, 2],
      [2, 1, 2],
      [1, 1, 3],
      [2, 1, 3],
    ],
  );
});

test('a failed batch fails the sweep and stops the batch queued behind it; cells made before it are kept', async () => {
  const e = fakeEngine();
  const signals: (AbortSignal | undefined)[] = [];
  const engine = e.factory();
  const generate = engine.generate.bind(engine);
  engine.generate = (request, o = {}) => {
    signals.push(o.signal);
    return signals.length === 2 ? Promise.reject(new Error('the UNet returned NaN')) : generate(request, o);
  };
  const out = tmp();
  await assert.rejects(
    runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: out, engine: () => engine, runOptions: {}, maxBatch: 1 }),
    /the UNet returned NaN/,
  );
  // The first cell's batch was written; the third was queued behind the failed second one and stopped.
  assert.equal(signals.length, 3);
  assert.equal(signals[2]?.aborted, true);
  assert.equal(readdirSync(out).filter((f) => f.endsWith('.png')).length, 1);
});

test("an engine's refusal names the batch's first cell and its batched seeds; a cancel stays as it is", async () => {
  for (const [code, named] of [
    ['BAD_REQUEST', true],
    ['CANCELLED', false],
  ] as const) {
    const engine = fakeEngine().factory();
    engine.generate = () => Promise.reject(new EngineError({ code, message: 'width must be 16' }));
    const run = runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: tmp(), engine: () => engine, runOptions: {} });
    await assert.rejects(run, (e: EngineError) => {
      assert.equal(e.code, code);
      if (named) assert.match(e.message, /^cell 0 \(.+\)( and the \d+ seeds batched with it)?: width must be 16$/);
      else assert.equal(e.message, 'width must be 16');
      return true;
    });
  }
});

test('an init image that fails to decode at run time is a sweep error naming the cell', async () => {
  const engine = fakeEngine().factory();
  engine.generate = () => Promise.reject(new RunInputError('initImage', 'init image /x.png: bad zlib data'));
  const run = runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: tmp(), engine: () => engine, runOptions: {} });
  await assert.rejects(run, (e: Error) => {
    assert.ok(e instanceof SweepError, e.constructor.name);
    assert.match(e.message, /^cell 0 \(.+\)( and the \d+ seeds batched with it)?: init image \/x\.png: bad zlib data$/);
    return true;
  });
});

test('a re-run with every cell in the folder starts no engine; --force runs them all again', async () => {
  const out = tmp();
  await runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: out, engine: fakeEngine().factory, runOptions: {} });
  const again = fakeEngine();
  const shown: number[] = [];
  const report = await runSweep(sweep, resolved([0, 1, 2, 3]), {
    outDir: out,
    engine: again.factory,
    runOptions: {},
    onCell: (i, png) => {
      // A Node Buffer would reach the webview as no image (the grid showed broken cells on a re-run).
      assert.equal(Object.getPrototypeOf(png), Uint8Array.prototype, 'a plain Uint8Array');
      shown.push(i);
    },
  });
  assert.equal(again.starts(), 0);
  assert.deepEqual(shown, [0, 1, 2, 3], 'cached cells still reach a live view');
  assert.deepEqual([report.ran, report.cached], [[], [0, 1, 2, 3]]);
  const forced = fakeEngine();
  const all = await runSweep(sweep, resolved([0, 1, 2, 3]), {
    outDir: out,
    engine: forced.factory,
    runOptions: {},
    force: true,
  });
  assert.deepEqual([forced.starts(), all.ran], [1, [0, 1, 2, 3]]);
});

test('only the cells whose key is missing run: a changed model or value is a new key', async () => {
  const out = tmp();
  await runSweep(sweep, resolved([0, 1]), { outDir: out, engine: fakeEngine().factory, runOptions: {} });
  const rest = fakeEngine();
  const report = await runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: out, engine: rest.factory, runOptions: {} });
  assert.deepEqual(
    [report.ran, report.cached],
    [
      [2, 3],
      [0, 1],
    ],
  );
  const otherModel = resolved([0]).map((c) => ({ ...c, model: { ...model, hash: 'fedcba9876' } }));
  const changed = fakeEngine();
  await runSweep(sweep, otherModel, { outDir: out, engine: changed.factory, runOptions: {} });
  assert.equal(changed.calls.length, 1);
  const otherGuidance = resolved([0]).map((c) => ({ ...c, model: { ...model, guidanceScale: 5 } }));
  const regraded = fakeEngine();
  await runSweep(sweep, otherGuidance, { outDir: out, engine: regraded.factory, runOptions: {} });
  assert.equal(regraded.calls.length, 1, "the model's default guidance is part of the key");
});

test('shards merged give the index and grid bytes of one unsharded run, and the same cell pixels', async () => {
  const whole = tmp();
  await runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: whole, engine: fakeEngine().factory, runOptions: {} });
  const shards = [0, 1, 2].map((i) => ({ dir: tmp(), shard: { index: i, count: 3 } }));
  for (const { dir, shard } of shards) {
    const r = await runSweep(sweep, resolved(shardCells(4, shard)), {
      outDir: dir,
      engine: fakeEngine().factory,
      runOptions: {},
      shard,
    });
    assert.equal(r.grid, false, 'a shard alone has no grid');
  }
  const merged = tmp();
  await mergeSweeps(
    shards.map((s) => s.dir),
    merged,
  );
  assert.equal(readFileSync(join(merged, 'index.json'), 'utf8'), readFileSync(join(whole, 'index.json'), 'utf8'));
  assert.ok(readFileSync(join(merged, 'grid.png')).equals(readFileSync(join(whole, 'grid.png'))));
  for (const cell of readIndex(whole).cells) {
    assert.deepEqual(await readCellImage(join(merged, cell.file)), await readCellImage(join(whole, cell.file)));
  }
});

test('merge refuses folders of different sweeps and names what is missing', async () => {
  /** Shard `index` of 2 run into a new folder, which it returns. */
  const shardFolder = async (index: number) => {
    const outDir = tmp();
    const shard = { index, count: 2 };
    await runSweep(sweep, resolved(shardCells(4, shard)), {
      outDir,
      engine: fakeEngine().factory,
      runOptions: {},
      shard,
    });
    return outDir;
  };
  const a = await shardFolder(0);
  await assert.rejects(() => mergeSweeps([a], tmp()), /cells 1, 3 are in none of the folders/);
  const other = { ...sweep, base: { ...sweep.base, prompt: 'q' } };
  const b = tmp();
  const cells = expandCells(other).map((c) => ({ ...c, run: c.spec, model, inputs: {} }));
  await runSweep(other, cells, { outDir: b, engine: fakeEngine().factory, runOptions: {} });
  await assert.rejects(() => mergeSweeps([a, b], tmp()), new RegExp(`${b} holds another sweep than ${a}`));
  await assert.rejects(() => mergeSweeps([tmp()], tmp()), /sweep index .*index\.json does not exist/);
  // A damaged cell in a shard is named where it is, and nothing is copied.
  const c = await shardFolder(1);
  const damaged = join(c, readIndex(c).cells[0].file);
  writeFileSync(damaged, 'junk');
  const out = join(tmp(), 'merged');
  await assert.rejects(
    () => mergeSweeps([a, c], out),
    (e: Error) => e instanceof SweepError && e.message.startsWith(`${damaged}: `),
  );
  assert.equal(existsSync(out), false, 'nothing written');
});

test('an index whose cells point elsewhere or whose sweep was edited is refused', async () => {
  const dir = tmp();
  await runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: dir, engine: fakeEngine().factory, runOptions: {} });
  const text = readFileSync(join(dir, 'index.json'), 'utf8');
  const doctor = (change: (index: Record<string, any>) => void) => {
    const index = JSON.parse(text);
    change(index);
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  };
  doctor((i) => (i.cells[1].file = '../../escape.png'));
  await assert.rejects(() => mergeSweeps([dir], tmp()), /cells\[1\] is not a cell of this sweep/);
  doctor((i) => (i.sweep.base.steps = 9));
  await assert.rejects(() => mergeSweeps([dir], tmp()), /its sweep does not match its sweepHash/);
  doctor((i) => (i.sweep.x.values = []));
  await assert.rejects(() => mergeSweeps([dir], tmp()), /its sweep is not valid: axis x has no values/);
});

test('a cell file that declares a huge image is refused from its header, naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-sweep-cell-'));
  // A 1×1 PNG whose header then says 20000×20000: decoding it would take gigabytes.
  const forged = encode({ width: 1, height: 1, data: new Uint8Array(3), channels: 3 });
  const view = new DataView(forged.buffer, forged.byteOffset);
  view.setUint32(16, 20000);
  view.setUint32(20, 20000);
  const path = join(dir, 'cell-0000-0.png');
  writeFileSync(path, forged);
  await assert.rejects(() => readCellImage(path), /cell-0000-0\.png: 20000x20000 is larger than 4096 on a side/);
});

test("a folder of another sweep's or the user's files is refused before any cell runs; force writes over", async () => {
  const other = { ...sweep, base: { ...sweep.base, prompt: 'q' } };
  const otherDir = tmp();
  const otherCells = expandCells(other).map((c) => ({ ...c, run: c.spec, model, inputs: {} }));
  const elsewhere = { engine: fakeEngine().factory, runOptions: {}, source: 'other.sweep.json' };
  await runSweep(other, otherCells, { outDir: otherDir, ...elsewhere });
  const mine = tmp();
  writeFileSync(join(mine, 'index.json'), '{"mine":1}');
  const stray = tmp();
  writeFileSync(join(stray, 'cell-0000-0123456789abcdef.png'), 'junk');
  const grid = tmp();
  writeFileSync(join(grid, 'grid.png'), 'important');
  for (const [dir, refusal] of [
    [otherDir, /holds the index\.json of another sweep file, other\.sweep\.json$/],
    [mine, /holds an index\.json that is not a sweep index$/],
    [stray, /holds cell-0000-0123456789abcdef\.png, which is no cell of this sweep$/],
    [grid, /holds a grid\.png that is not this sweep's grid$/],
  ] as const) {
    const before = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
    const e = fakeEngine();
    const source = 'mine.sweep.json';
    const run = runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: dir, engine: e.factory, runOptions: {}, source });
    await assert.rejects(run, (err: OutFolderError) => err instanceof OutFolderError && refusal.test(err.message));
    assert.equal(e.starts(), 0, 'no engine started');
    assert.deepEqual(
      readdirSync(dir).map((f) => readFileSync(join(dir, f))),
      before,
      'the folder is as it was',
    );
    const forced = await runSweep(sweep, resolved([0, 1, 2, 3]), {
      outDir: dir,
      engine: fakeEngine().factory,
      runOptions: {},
      force: true,
    });
    assert.deepEqual(forced.ran, [0, 1, 2, 3]);
    assert.equal(readIndex(dir).sweepHash, forced.index.sweepHash);
  }
});

test("an edited sweep file runs into its folder: only new cells run, a moved value's cell is reused", async () => {
  const dir = tmp();
  const source = 'samplers.sweep.json';
  const options = () => ({ outDir: dir, engine: fakeEngine().factory, runOptions: {}, source });
  await runSweep(sweep, resolved([0, 1, 2, 3]), options());
  // The seed axis [1, 2] becomes [3, 1]: seed 1's cells move from x = 0 to x = 1; seed 3's are new.
  const edited = parseSweep({ ...sweepToJson(sweep), x: { field: 'seed', values: [3, 1] } }).sweep!;
  const cells = expandCells(edited).map((c) => ({ ...c, run: { ...c.spec, modelDir: '/abs/m' }, model, inputs: {} }));
  const report = await runSweep(edited, cells, options());
  assert.deepEqual(
    [report.ran, report.cached],
    [
      [0, 2],
      [1, 3],
    ],
  );
  const index = readIndex(dir);
  assert.equal(index.source, source);
  for (const c of index.cells) assert.ok(existsSync(join(dir, c.file)), `${c.file} listed and present`);
  // The moved cells keep their pixels: seed 1 paints 40 + steps.
  const moved = await Promise.all([1, 3].map((i) => readCellImage(join(dir, index.cells[i].file))));
  assert.deepEqual(
    moved.map((m) => m.rgba[0]),
    [42, 43],
  );
  // An index written before indexes named their sweep file counts as this one's.
  const old = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { source?: string };
  delete old.source;
  writeFileSync(join(dir, 'index.json'), JSON.stringify(old));
  assert.deepEqual((await runSweep(sweep, resolved([0, 1, 2, 3]), options())).ran, [], 'all its cells are there');
});

test('a file where the folder should be is refused, even with force', async () => {
  const file = join(tmp(), 'taken');
  writeFileSync(file, 'x');
  for (const force of [false, true]) {
    const run = runSweep(sweep, resolved([0]), { outDir: file, engine: fakeEngine().factory, runOptions: {}, force });
    await assert.rejects(run, (err: OutFolderError) => !err.replaceable && /taken is not a folder$/.test(err.message));
  }
});

test("an interrupted run resumes, shards share a folder, a repeated value's cell keeps its own file", async () => {
  const first = tmp();
  await runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: first, engine: fakeEngine().factory, runOptions: {} });
  const resumed = tmp();
  const file = readIndex(first).cells[2].file;
  writeFileSync(join(resumed, file), readFileSync(join(first, file)));
  const report = await runSweep(sweep, resolved([0, 1, 2, 3]), {
    outDir: resumed,
    engine: fakeEngine().factory,
    runOptions: {},
  });
  assert.deepEqual([report.ran, report.cached], [[0, 1, 3], [2]]);
  // A folder with this sweep's index is its own: another shard runs into it beside the first one's cells.
  const shared = tmp();
  for (const index of [0, 1]) {
    const shard = { index, count: 2 };
    const cells = resolved(shardCells(4, shard));
    await runSweep(sweep, cells, { outDir: shared, engine: fakeEngine().factory, runOptions: {}, shard });
  }
  assert.equal(readdirSync(shared).filter((f) => f.startsWith('cell-')).length, 4);
  // Two cells of one key (a value repeated on an axis): each is listed under its own file on a re-run.
  const twice = parseSweep({ ...sweepToJson(sweep), x: { field: 'seed', values: [1, 1] } }).sweep!;
  const cells = expandCells(twice).map((c) => ({ ...c, run: c.spec, model, inputs: {} }));
  const dir = tmp();
  await runSweep(twice, cells, { outDir: dir, engine: fakeEngine().factory, runOptions: {} });
  const again = await runSweep(twice, cells, { outDir: dir, engine: fakeEngine().factory, runOptions: {} });
  assert.deepEqual(again.cached, [0, 1, 2, 3]);
  assert.deepEqual(
    readIndex(dir).cells.map((c) => c.file.slice(0, 9)),
    ['cell-0000', 'cell-0001', 'cell-0002', 'cell-0003'],
  );
});

test("merge refuses a folder of another sweep's or the user's files, copying nothing; force merges", async () => {
  const whole = tmp();
  await runSweep(sweep, resolved([0, 1, 2, 3]), { outDir: whole, engine: fakeEngine().factory, runOptions: {} });
  const out = tmp();
  writeFileSync(join(out, 'index.json'), '{"mine":1}');
  writeFileSync(join(out, 'grid.png'), 'important');
  await assert.rejects(mergeSweeps([whole], out), /holds an index\.json that is not a sweep index/);
  assert.deepEqual(readdirSync(out).sort(), ['grid.png', 'index.json'], 'no cell copied');
  assert.equal(readFileSync(join(out, 'grid.png'), 'utf8'), 'important');
  await mergeSweeps([whole], out, true);
  assert.equal(readFileSync(join(out, 'index.json'), 'utf8'), readFileSync(join(whole, 'index.json'), 'utf8'));
  // Into a folder of this sweep (a shard's, or the last merge's) it merges again.
  await mergeSweeps([whole], out);
});
