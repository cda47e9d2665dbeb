// When a small UNet's peer opens: at once where an earlier load cached the UNet's optimized graph (the
// peer is ready for a run's first steps), else after the engine thread's UNet has cached it. Either way
// it opens, and its group comes out bit for bit what the engine thread gives.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSessions, type ModelSessions } from '../../../src/engine/modelSessions';
import { cpuGraphCached } from '../../../src/engine/onnxModel';
import { runUnet } from '../../../src/engine/runUnet';
import { readModelFolder } from '../../../src/modelFolder/modelFolder';
import { copyModel } from './fixtures';

const loaded: ModelSessions[] = [];
after(async () => {
  for (const s of loaded) {
    for (const m of [s.unet, s.textEncoder, s.vaeDecoder]) await m?.release();
    await s.unetPeer?.release();
  }
});

/** The UNet's output for a guided batch of one at 8×8 latents and 16 tokens (two rows: one per session once
 * the peer is open). */
async function twoRows(s: ModelSessions): Promise<Float32Array> {
  const width = s.unet.input('encoder_hidden_states').shape[2] as number;
  const input = { data: Float32Array.from({ length: 2 * 4 * 8 * 8 }, (_, i) => Math.sin(i)), shape: [2, 4, 8, 8] };
  const hidden = { data: Float32Array.from({ length: 2 * 16 * width }, (_, i) => Math.cos(i)), shape: [2, 16, width] };
  return runUnet(s, input, 500, hidden, {});
}

test('the peer opens from a cached graph at once, and after the engine thread caches one', async (t) => {
  if (availableParallelism() < 2) return t.skip('one core: no peer');
  const folder = readModelFolder(copyModel('tiny-sd'));
  const cache = mkdtempSync(join(tmpdir(), 'dl-peer-cache-'));
  assert.equal(cpuGraphCached(folder.files.unet, cache), false, 'an empty cache holds no graph');
  assert.equal(cpuGraphCached(folder.files.unet, undefined), false, 'no cache folder, no cached graph');

  const first = await loadSessions(folder, 'cpu', cache);
  loaded.push(first);
  assert.equal(cpuGraphCached(folder.files.unet, cache), true, 'the first load cached the UNet graph');
  assert.equal(await first.unetPeer?.opened, true, 'the peer opened from the graph the engine thread cached');

  const second = await loadSessions(folder, 'cpu', cache);
  loaded.push(second);
  assert.equal(await second.unetPeer?.opened, true, 'the peer opened at once from the cached graph');
  const alone = await twoRows({ ...second, unetPeer: undefined });
  assert.deepEqual(await twoRows(second), alone, 'the peer group matches the engine thread bit for bit');
});
