import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary, StepFrame } from '../../../../src/protocol/workbench';
import { RunsStore } from '../../../../webview/workbench/runsStore';

function summary(id: string, createdAt: string, status: RunSummary['status'] = 'done'): RunSummary {
  const spec = { modelDir: '/m', prompt: id, negativePrompt: '', seed: 7, steps: 2, guidanceRescale: 0 };
  const size = { width: 8, height: 8, batchSize: 1 };
  return { id, createdAt, spec: { ...spec, ...size }, modelLabel: 'tiny', status, images: [] };
}

function frame(step: number): StepFrame {
  return { step, totalSteps: 2, t: 999 - step, sigma: 1, mean: 0, std: 1, latentShape: [4, 1, 1] };
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

test('a live run: on view from its start, steps kept, then finished with its PNGs and still on view', () => {
  const store = new RunsStore();
  store.snapshot([summary('old', '2026-01-01T00:00:00Z')]);
  const live = summary('r1', '2026-01-02T00:00:00Z', 'running');
  store.runStarted(live);
  assert.equal(store.liveRunId, 'r1');
  assert.equal(store.activeRunId, 'r1');
  assert.equal(store.activeRun?.frames?.length, 0);
  assert.equal(store.step('r1', frame(0)), true);
  assert.equal(store.step('r1', frame(1)), true);
  store.open('old');
  store.runFinished({ ...live, status: 'done' }, [png]);
  assert.equal(store.liveRunId, undefined);
  assert.equal(store.activeRunId, 'r1', 'a finished run comes on view');
  assert.deepEqual(
    store.activeRun?.frames?.map((f) => f.step),
    [0, 1],
  );
  assert.deepEqual(store.activeRun?.pngs, [png]);
  assert.equal(store.activeRun?.summary.status, 'done');
});

test('a failed or cancelled run is dropped; on view, it gives the view back to the run on view before it', () => {
  const store = new RunsStore();
  store.runStarted(summary('r1', '2026-01-01T00:00:00Z', 'running'));
  store.runFinished({ ...summary('r1', '2026-01-01T00:00:00Z'), status: 'failed', error: 'boom' }, []);
  assert.equal(store.get('r1'), undefined);
  assert.equal(store.activeRunId, undefined, 'nothing was on view before it');
  assert.equal(store.liveRunId, undefined);

  store.snapshot([summary('old', '2026-01-01T00:00:00Z'), summary('older', '2025-12-01T00:00:00Z')]);
  store.open('old');
  store.runStarted(summary('r2', '2026-01-02T00:00:00Z', 'running'));
  assert.equal(store.activeRunId, 'r2');
  store.runFinished({ ...summary('r2', '2026-01-02T00:00:00Z'), status: 'failed', error: 'boom' }, []);
  assert.equal(store.activeRunId, 'old', 'the run on view before the failed one is back');

  store.runStarted(summary('r3', '2026-01-03T00:00:00Z', 'running'));
  store.open('older');
  store.runFinished(summary('r3', '2026-01-03T00:00:00Z', 'cancelled'), []);
  assert.equal(store.get('r3'), undefined);
  assert.equal(store.activeRunId, 'older', 'a run opened during the run stays on view');
});

test('steps of an unknown run, or of one whose steps have not arrived, are not kept', () => {
  const store = new RunsStore();
  assert.equal(store.step('nope', frame(0)), false);
  store.snapshot([summary('r1', '2026-01-01T00:00:00Z', 'running')]);
  assert.equal(store.step('r1', frame(0)), false);
  assert.equal(store.get('r1')?.frames, undefined);
});

test('the store keeps its own arrays: later changes to what it was given do not reach it', () => {
  const store = new RunsStore();
  const frames = [frame(0)];
  const pngs = [png];
  store.runDetail({ run: summary('r1', '2026-01-01T00:00:00Z'), frames, pngs });
  frames.push(frame(1));
  pngs.length = 0;
  assert.equal(store.get('r1')?.frames?.length, 1);
  assert.equal(store.get('r1')?.pngs?.length, 1);
  const finishedPngs = [png];
  store.runStarted(summary('r2', '2026-01-02T00:00:00Z', 'running'));
  store.runFinished(summary('r2', '2026-01-02T00:00:00Z'), finishedPngs);
  finishedPngs.length = 0;
  assert.equal(store.get('r2')?.pngs?.length, 1);
});

test('snapshot merges summaries, keeping frames held; list is newest first; open refuses unknown runs', () => {
  const store = new RunsStore();
  store.runDetail({ run: summary('a', '2026-01-01T00:00:00Z'), frames: [frame(0)], pngs: [png] });
  const a = { ...summary('a', '2026-01-01T00:00:00Z'), recordSavedAs: 'a.json' };
  store.snapshot([summary('b', '2026-01-03T00:00:00Z'), a]);
  assert.equal(store.get('a')?.summary.recordSavedAs, 'a.json');
  assert.equal(store.get('a')?.frames?.length, 1);
  assert.deepEqual(
    store.list().map((r) => r.summary.id),
    ['b', 'a'],
  );
  assert.equal(store.open('a'), true);
  assert.equal(store.open('gone'), false);
  assert.equal(store.activeRunId, 'a');
});

test("runUpdated replaces a known run's summary and ignores an unknown one", () => {
  const store = new RunsStore();
  store.snapshot([summary('a', '2026-01-01T00:00:00Z')]);
  const images = [{ seed: 7, width: 8, height: 8, savedAs: 'a.png' }];
  const saved = { ...summary('a', '2026-01-01T00:00:00Z'), images };
  store.runUpdated(saved);
  store.runUpdated(summary('x', '2026-01-01T00:00:00Z'));
  assert.equal(store.get('a')?.summary.images[0]?.savedAs, 'a.png');
  assert.equal(store.get('x'), undefined);
});
