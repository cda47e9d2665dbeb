// When a tool run starts the noise worker (toolSampling.ts prepareToolNoise): only for a sampler that draws
// noise, and only for draws of at least AHEAD_MIN_VALUES; smaller ones stay on the engine thread. A process of
// its own, since the worker is the process's one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AHEAD_MIN_VALUES, readyNoiseWorker } from '../../../src/engine/noiseAhead';
import { prepareToolNoise } from '../../../src/engine/toolSampling';

const ancestral = { toolSampler: { tool: 'a1111' as const, sampler: 'Euler a' } };
const deterministic = { toolSampler: { tool: 'a1111' as const, sampler: 'Euler' } };

/** Whether the worker is ready within `ms`. */
async function readyWithin(ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (readyNoiseWorker()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return readyNoiseWorker() !== undefined;
}

test('small draws and deterministic samplers start no worker; a large ancestral draw does', async () => {
  prepareToolNoise(ancestral, AHEAD_MIN_VALUES - 1);
  prepareToolNoise(deterministic, 4 * AHEAD_MIN_VALUES);
  assert.equal(await readyWithin(1500), false, 'no worker for 16,383 values or for Euler');
  prepareToolNoise(ancestral, AHEAD_MIN_VALUES);
  assert.equal(await readyWithin(30_000), true, 'a worker for 16,384 values of Euler a');
});
