import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore, newRunId } from '../../../../src/extension/workbench/runStore';
import { runSpec } from '../../../../src/protocol/run';
import type { RunSummary, StepFrame } from '../../../../src/protocol/workbench';

function summary(id: string, prompt = 'p'): RunSummary {
  return {
    id,
    createdAt: new Date(0).toISOString(),
    spec: runSpec({ modelDir: '/m/tiny', prompt, seed: 1, steps: 2, guidanceScale: 7, width: 8, height: 8 }),
    modelLabel: 'tiny',
    status: 'done',
    images: [{ seed: 1, width: 8, height: 8 }],
  };
}
const frame: StepFrame = {
  step: 0,
  totalSteps: 1,
  t: 999,
  sigma: 14.6,
  mean: 0.1,
  std: 1,
  latentShape: [1, 2, 2],
  xt: Float32Array.from([1, 2, 3, 4]),
  x0: Float32Array.from([4, 3, 2, 1]),
};

test('a stored run comes back after a reload, typed arrays and PNG bytes intact', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dl-store-'));
  await new RunStore(root).add(summary('a'), [], [Uint8Array.of(0x89, 0x50, 1, 2)], [frame], [Uint8Array.of(7, 7)]);
  await new RunStore(root).add(summary('b'), [], [Uint8Array.of(9)], []);
  const reloaded = new RunStore(root);
  assert.deepEqual(
    (await reloaded.list()).map((r) => r.id),
    ['b', 'a'],
  );
  const detail = await reloaded.detail('a');
  assert.ok(detail?.frames[0].xt instanceof Float32Array);
  assert.deepEqual([...detail.frames[0].x0!], [4, 3, 2, 1]);
  assert.deepEqual([...detail.pngs[0]], [0x89, 0x50, 1, 2]);
  assert.equal(detail.pngs[0].buffer.byteLength, 4);
  assert.deepEqual(
    (await reloaded.thumbnails('a')).map((t) => t && [...t]),
    [[7, 7]],
  );
  assert.deepEqual(await reloaded.thumbnails('b'), [undefined]);
});

test('updates replace the summary; the oldest runs beyond the limit are dropped', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dl-store-'));
  const store = new RunStore(root, 2);
  for (const id of ['a', 'b', 'c']) await store.add(summary(id), [], [], []);
  assert.deepEqual(
    (await store.list()).map((r) => r.id),
    ['c', 'b'],
  );
  assert.equal(existsSync(join(root, 'runs', 'a')), false);
  await store.update({ ...summary('b'), images: [{ seed: 1, width: 8, height: 8, savedAs: 'x.png' }] });
  assert.equal((await new RunStore(root).list())[1].images[0].savedAs, 'x.png');
});

test('a removed run leaves the list, the index on disk and its folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dl-store-'));
  const store = new RunStore(root);
  for (const id of ['a', 'b']) await store.add(summary(id), [], [], []);
  await store.remove('a');
  assert.deepEqual(
    (await store.list()).map((r) => r.id),
    ['b'],
  );
  assert.deepEqual(
    (await new RunStore(root).list()).map((r) => r.id),
    ['b'],
  );
  assert.equal(existsSync(join(root, 'runs', 'a')), false);
  assert.equal(existsSync(join(root, 'runs', 'b')), true);
});

test('a corrupt index or a missing run folder does not break the gallery', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dl-store-'));
  writeFileSync(join(root, 'index.json'), '{not json');
  assert.deepEqual(await new RunStore(root).list(), []);
  writeFileSync(join(root, 'index.json'), '["gone", 5]');
  assert.deepEqual(await new RunStore(root).list(), []);
  assert.equal(await new RunStore(root).detail('gone'), undefined);
});

test('run ids are unique and safe as protocol ids', () => {
  const ids = new Set(Array.from({ length: 100 }, () => newRunId()));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[a-z0-9-]{1,64}$/);
});

test('a run stored with one thumbnail.png (before per-image thumbnails) shows it for its first image', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dl-store-'));
  const store = new RunStore(root);
  await store.add({ ...summary('a'), images: [summary('a').images[0], summary('a').images[0]] }, [], [], []);
  writeFileSync(join(root, 'runs', 'a', 'thumbnail.png'), Uint8Array.of(5));
  assert.deepEqual(
    (await store.thumbnails('a')).map((t) => t && [...t]),
    [[5], undefined],
  );
});
