// A large UNet runs the guidance halves (and a batch's images) one call at a time, a small one on cpu in
// two groups (modelSessions.ts, unetRowsPerCall): the rows must come out as one call over the whole batch
// gives them. With its peer (unetPeer.ts) a small UNet's groups run side by side, bit for bit as without.
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
    assert.equal(s.unetRowsPerCall?.(4), 2, 'a tiny UNet on cpu takes a batch in two groups');
    const [groups, peer] = [s.unetRowsPerCall, s.unetPeer];
    s.unetPeer = undefined;
    try {
      s.unetRowsPerCall = undefined;
      const whole = await latents(s, folder);
      s.unetRowsPerCall = () => 1;
      const split = await latents(s, folder);
      assert.deepEqual(new Set(whole.batches), new Set([4]));
      assert.equal(split.batches.length, 4 * whole.batches.length);
      assert.deepEqual(new Set(split.batches), new Set([1]));
      const scale = whole.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const diff = maxAbsDiff(whole.data, split.data);
      assert.ok(diff <= 1e-5 * scale, `differs by ${diff}`);
      // The images differ, so rows swapped between them would show.
      const half = whole.data.length / 2;
      assert.ok(maxAbsDiff(whole.data.subarray(0, half), whole.data.subarray(half)) > 0.1 * scale);
    } finally {
      [s.unetRowsPerCall, s.unetPeer] = [groups, peer];
    }
  });

  test(`${folder}: the peer runs one of the two groups, bit for bit what the engine thread gives alone`, async () => {
    const s = await sessions(folder);
    const peer = s.unetPeer;
    assert.ok(peer, 'a small UNet on cpu has a peer on a machine of 2 cores or more');
    assert.equal(await peer.opened, true);
    let peerCalls = 0;
    const run = peer.run.bind(peer);
    peer.run = (feeds) => (peerCalls++, run(feeds));
    const together = await latents(s, folder);
    s.unetPeer = undefined;
    const alone = await latents(s, folder);
    s.unetPeer = peer;
    // Each model call: one group of 2 rows on the engine thread, the other on the peer.
    assert.ok(together.batches.length >= 3);
    assert.equal(peerCalls, together.batches.length);
    assert.deepEqual(new Set(together.batches), new Set([2]));
    assert.equal(alone.batches.length, 2 * together.batches.length);
    assert.deepEqual(together.data, alone.data);
  });
}
