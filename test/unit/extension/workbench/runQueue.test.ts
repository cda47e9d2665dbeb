// The workbench queue: batch count with seeds continuing, Generate forever until cancelled, a
// failed run emptying the queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { continuedSpec, RunQueue } from '../../../../src/extension/workbench/runQueue';
import type { CompletedRun, RunRequest } from '../../../../src/extension/runService';
import { runSpec } from '../../../../src/protocol/run';
import type { QueueState } from '../../../../src/protocol/workbench';

const request = (seed: number, batchSize = 2): RunRequest => ({
  spec: runSpec({ modelDir: '/m', prompt: 'p', seed, batchSize }),
  modelLabel: 'm',
  options: {},
  origin: 'test',
  progress: 'statusBar',
});
const finished = {} as CompletedRun;

/** A queue whose runs finish when the test says, recording each run's seed. */
function harness(outcome: (n: number) => CompletedRun | undefined = () => finished) {
  const seeds: number[] = [];
  const states: QueueState[] = [];
  let release: (() => void) | undefined;
  const queue = new RunQueue(
    (r) =>
      new Promise((resolve) => {
        seeds.push(r.spec.seed);
        release = () => resolve(outcome(seeds.length));
      }),
    (s) => states.push(s),
  );
  const step = async () => {
    release?.();
    await new Promise((r) => setImmediate(r));
  };
  return { queue, seeds, states, step };
}

test('batch count: runs one after another, seeds continuing by the batch size', async () => {
  const { queue, seeds, states, step } = harness();
  queue.add(request(10), 3);
  assert.deepEqual(states.at(-1), { waiting: 2, forever: false });
  await step();
  await step();
  await step();
  assert.deepEqual(seeds, [10, 12, 14]);
  assert.deepEqual(queue.state(), { waiting: 0, forever: false });
});

test('a Generate while runs are going waits its turn', async () => {
  const { queue, seeds, step } = harness();
  queue.add(request(1, 1), 2);
  queue.add(request(50, 1), 1);
  assert.deepEqual(queue.state(), { waiting: 2, forever: false });
  for (let i = 0; i < 3; i++) await step();
  assert.deepEqual(seeds, [1, 2, 50]);
});

test('Generate forever keeps going until cleared; a failed run empties the queue', async () => {
  const { queue, seeds, step } = harness();
  queue.add(request(0, 1), Infinity);
  for (let i = 0; i < 5; i++) await step();
  assert.equal(seeds.length, 6);
  assert.deepEqual(queue.state(), { waiting: 0, forever: true });
  queue.clear();
  await step();
  assert.equal(seeds.length, 6);

  const failing = harness((n) => (n === 2 ? undefined : finished));
  failing.queue.add(request(0, 1), 5);
  for (let i = 0; i < 4; i++) await failing.step();
  assert.deepEqual(failing.seeds, [0, 1]);
  assert.deepEqual(failing.queue.state(), { waiting: 0, forever: false });
});

test('continued seeds: random stays random, a varied run moves its variation seed, both wrap', () => {
  const base = runSpec({ modelDir: '/m', prompt: 'p', batchSize: 4 });
  assert.equal(continuedSpec(base, 3).seed, -1);
  const varied = continuedSpec({ ...base, seed: 7, subseed: 100, subseedStrength: 0.5 }, 2);
  assert.deepEqual([varied.seed, varied.subseed], [7, 108]);
  assert.equal(continuedSpec({ ...base, seed: 4294967294 }, 1).seed, 3);
});
