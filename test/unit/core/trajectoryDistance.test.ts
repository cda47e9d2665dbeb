import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  l2Distance,
  pairSteps,
  spreadIndices,
  TrajectoryDistance,
  type TrajectoryStep,
} from '../../../src/core/tensor/trajectoryDistance';

const step = (i: number, total: number, values: number[], sigma = 10 - i): TrajectoryStep => ({
  step: i,
  totalSteps: total,
  sigma,
  latent: Float32Array.from(values),
});

test('l2Distance is the Euclidean norm of the difference', () => {
  assert.equal(l2Distance(Float32Array.of(1, 2, 3), Float32Array.of(1, 2, 3)), 0);
  assert.equal(l2Distance(Float32Array.of(0, 0), Float32Array.of(3, 4)), 5);
});

test('runs of equal length pair step by step; different lengths meet at the same fraction of the run', () => {
  assert.deepEqual(pairSteps(3, 3), [
    [0, 0],
    [1, 1],
    [2, 2],
  ]);
  assert.deepEqual(pairSteps(4, 20), [
    [0, 4],
    [1, 9],
    [2, 14],
    [3, 19],
  ]);
  assert.deepEqual(pairSteps(20, 4), [
    [4, 0],
    [9, 1],
    [14, 2],
    [19, 3],
  ]);
});

test('spreadIndices keeps all below the budget, else an even spread ending at the last', () => {
  assert.deepEqual(spreadIndices(3, 5), [0, 1, 2]);
  assert.deepEqual(spreadIndices(10, 4), [2, 4, 7, 9]);
});

test('the distance at each paired step, with both runs’ σ', () => {
  const d = new TrajectoryDistance();
  d.addA(step(0, 2, [0, 0]));
  d.addA(step(1, 2, [1, 1]));
  d.addB(step(0, 4, [3, 4], 9));
  d.addB(step(1, 4, [0, 0], 8));
  d.addB(step(2, 4, [0, 0], 7));
  d.addB(step(3, 4, [1, 2], 6));
  assert.deepEqual(d.result(), {
    steps: [2, 4],
    sigmas: [
      [10, 9],
      [9, 8, 7, 6],
    ],
    pairs: [
      { stepA: 0, stepB: 1, distance: 0 },
      { stepA: 1, stepB: 3, distance: 1 },
    ],
  });
});

test('a first run longer than the budget keeps an even spread of its steps', () => {
  // Room for two latents of two values: steps 1 and 3 of four are kept and compared.
  const d = new TrajectoryDistance(4);
  for (let i = 0; i < 4; i++) d.addA(step(i, 4, [i, 0]));
  for (let i = 0; i < 4; i++) d.addB(step(i, 4, [0, 0]));
  assert.deepEqual(
    d.result().pairs.map((p) => [p.stepA, p.distance]),
    [
      [1, 1],
      [3, 3],
    ],
  );
});

test('steps a run skipped (image-to-image starts part way) have no σ', () => {
  const d = new TrajectoryDistance();
  d.addA(step(2, 4, [0]));
  d.addA(step(3, 4, [0]));
  assert.deepEqual(d.result().sigmas[0], [null, null, 8, 7]);
});

test('latents of different sizes are refused with both sizes named', () => {
  const d = new TrajectoryDistance();
  d.addA(step(0, 1, [0, 0]));
  assert.throws(() => d.addB(step(0, 1, [0, 0, 0])), /latents differ in size \(2 and 3 values\)/);
});
