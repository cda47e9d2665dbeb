// Two sweep cells' trajectories compared through a stand-in engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from 'fast-png';
import type { GenerateRequest, GenerateResult, StepEvent } from '../../../src/protocol/engine';
import { parseSweep } from '../../../src/protocol/sweep';
import { cellAt } from '../../../src/protocol/sweepCells';
import type { EngineClient } from '../../../src/runs/engineClient';
import { compareTrajectories } from '../../../src/runs/sweepTrajectory';
import { sampleInfo } from './sampleInfo';
import { togetherThrough } from './standInTogether';

const sweep = parseSweep({
  version: 1,
  base: { modelDir: 'm', prompt: 'p', seed: 1, steps: 2 },
  x: { field: 'seed', values: [1, 2] },
  y: { field: 'steps', values: [2, 4] },
}).sweep!;
const model = { hash: 'abcdef0123', scheduler: { _class_name: 'DDIMScheduler' }, guidanceScale: 3 };
const cell = (i: number) => {
  const c = cellAt(sweep, i);
  return { ...c, run: { ...c.spec, modelDir: '/abs/m' }, model, inputs: {} };
};

/** x̂0 at step s is seed + s everywhere; `size` gives a run's latent size. */
function fakeEngine(calls: GenerateRequest[], size = (_steps: number) => 4): EngineClient {
  const engine = {
    generateTogether: (members: Parameters<EngineClient['generateTogether']>[0]) => togetherThrough(engine)(members),
    generate(request: GenerateRequest, o: { onStep?: (e: StepEvent) => void } = {}): Promise<GenerateResult> {
      calls.push(request);
      const { spec } = request;
      const steps = spec.steps!;
      for (let s = 0; s < steps; s++) {
        const x0 = request.options.captureLatents ? new Float32Array(size(steps)).fill(spec.seed + s) : undefined;
        o.onStep?.({ step: s, totalSteps: steps, t: 0, sigma: steps - s, latentShape: [1, 1, 2, 2], x0 });
      }
      const rgba = new Uint8Array(4).fill(spec.seed);
      const png = encode({ width: 1, height: 1, data: rgba, channels: 4, depth: 8 });
      return Promise.resolve({
        images: [{ width: 1, height: 1, rgba, png }],
        info: sampleInfo({ spec: { ...spec, guidanceScale: 3, width: 1, height: 1 }, seeds: [spec.seed] }),
      });
    },
  } as unknown as EngineClient;
  return engine;
}

test('both cells run alone with every step’s latents captured; distances at the paired steps', async () => {
  const calls: GenerateRequest[] = [];
  // Cell 0: seed 1, 2 steps; cell 3: seed 2, 4 steps.
  const c = await compareTrajectories(fakeEngine(calls), [cell(0), cell(3)], { provider: 'cpu' });
  assert.deepEqual(
    calls.map((r) => [r.spec.seed, r.spec.steps, r.spec.batchSize, r.options]),
    [
      [1, 2, 1, { provider: 'cpu', preview: { every: 1, kind: 'none' }, captureLatents: true }],
      [2, 4, 1, { provider: 'cpu', preview: { every: 1, kind: 'none' }, captureLatents: true }],
    ],
  );
  // Step 0 of A (x̂0 = 1) meets step 1 of B (3): |1 − 3| over 4 values = 4; step 1 (2) meets step 3 (5): 6.
  assert.deepEqual(c, {
    steps: [2, 4],
    sigmas: [
      [2, 1],
      [4, 3, 2, 1],
    ],
    pairs: [
      { stepA: 0, stepB: 1, distance: 4 },
      { stepA: 1, stepB: 3, distance: 6 },
    ],
  });
});

test('cells whose latents differ in size are refused once the second has run, naming both sizes', async () => {
  const engine = fakeEngine([], (steps) => steps * 8);
  await assert.rejects(
    compareTrajectories(engine, [cell(0), cell(3)], {}),
    /the runs' latents differ in size \(16 and 32 values\)/,
  );
});
