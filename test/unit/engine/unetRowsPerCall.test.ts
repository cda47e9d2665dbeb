// A large UNet runs the guidance halves (and a batch's images) one call at a time (modelSessions.ts,
// unetRowsPerCall): the rows must come out as one call over the whole batch gives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../../../src/engine/pipeline';
import type { ModelSessions } from '../../../src/engine/modelSessions';
import { runSpec } from '../../../src/protocol/run';
import { sessions } from './loadedSessions';
import { model } from './fixtures';

const control = { onStep: () => {}, cancelled: () => false };

/** The final latents of a guided 2-image run, and the batch size of every UNet call it made. */
async function latents(s: ModelSessions, folder: string): Promise<{ data: Float32Array; batches: number[] }> {
  const batches: number[] = [];
  const run = s.unet.run.bind(s.unet);
  s.unet.run = (feeds) => (batches.push(feeds.sample.dims[0]), run(feeds));
  const spec = runSpec({ modelDir: model(folder), prompt: 'a red cat', seed: 3, steps: 3, batchSize: 2 });
  const options = { provider: 'cpu' as const, returnTensors: true };
  try {
    const result = await runPipeline(s, { spec: { ...spec, guidanceScale: 7.5 }, options }, control, 0);
    return { data: result.tensors!.latents, batches };
  } finally {
    s.unet.run = run;
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

// tiny-sdxl adds text_embeds and time_ids, one row per batch row, which must be split with the sample.
for (const folder of ['tiny-sd15', 'tiny-sdxl']) {
  test(`${folder}: one row per UNet call gives the latents of one call over the batch`, async () => {
    const s = await sessions(folder);
    assert.equal(s.unetRowsPerCall, undefined, 'a tiny UNet keeps the whole batch in one call');
    const whole = await latents(s, folder);
    s.unetRowsPerCall = 1;
    const split = await latents(s, folder);
    assert.deepEqual(new Set(whole.batches), new Set([4]));
    assert.equal(split.batches.length, 4 * whole.batches.length);
    assert.deepEqual(new Set(split.batches), new Set([1]));
    const scale = whole.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(maxAbsDiff(whole.data, split.data) <= 1e-5 * scale, `differs by ${maxAbsDiff(whole.data, split.data)}`);
    // The images differ, so rows swapped between them would show.
    const half = whole.data.length / 2;
    assert.ok(maxAbsDiff(whole.data.subarray(0, half), whole.data.subarray(half)) > 0.1 * scale);
  });
}
