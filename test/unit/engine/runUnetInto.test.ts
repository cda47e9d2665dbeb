// runUnet puts the output of several calls together in the buffer a loop hands it, so a step allocates
// no output array of its own; one call's output comes back as the session returned it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runUnet } from '../../../src/engine/runUnet';
import type { ModelSessions } from '../../../src/engine/modelSessions';

const PLANE = 4 * 2 * 2;

/** A UNet stub: each row's output is its sample plus 100·t; `perCall` rows per call. */
function stubSessions(perCall: number) {
  const returned: Float32Array[] = [];
  const unet = {
    fixedBatch: () => undefined,
    input: () => ({ name: 'timestep', type: 'float32', shape: [] }),
    run: (feeds: { sample: { data: Float32Array; dims: number[] }; timestep: { data: number[] } }) => {
      const data = feeds.sample.data.map((v) => v + 100 * feeds.timestep.data[0]);
      returned.push(data);
      return Promise.resolve({ out_sample: { data, dims: [...feeds.sample.dims] } });
    },
  };
  const s = {
    unet,
    unetLatentChannels: 4,
    unetRowsPerCall: () => perCall,
    folder: { files: { unet: 'unet/model.onnx' } },
  };
  return { s: s as unknown as ModelSessions, returned };
}

const input = { data: Float32Array.from({ length: 2 * PLANE }, (_, i) => i), shape: [2, 4, 2, 2] };
const expected = input.data.map((v) => v + 300);

test('the rows of several calls land in the buffer given, which is returned', async () => {
  const { s } = stubSessions(1);
  const into = new Float32Array(2 * PLANE).fill(-1);
  const out = await runUnet(s, input, 3, undefined, {}, into);
  assert.equal(out, into);
  assert.deepEqual(out, expected);
});

test('without a buffer, or with one of another size, several calls go into a new array', async () => {
  for (const into of [undefined, new Float32Array(PLANE)]) {
    const { s } = stubSessions(1);
    const out = await runUnet(s, input, 3, undefined, {}, into);
    assert.notEqual(out, into);
    assert.deepEqual(out, expected);
    if (into) assert.ok(into.every((v) => v === 0));
  }
});

test('one call: the session’s own output comes back, the buffer untouched', async () => {
  const { s, returned } = stubSessions(2);
  const into = new Float32Array(2 * PLANE);
  const out = await runUnet(s, input, 3, undefined, {}, into);
  assert.equal(returned.length, 1);
  assert.equal(out.buffer, returned[0].buffer);
  assert.deepEqual(out, expected);
  assert.ok(into.every((v) => v === 0));
});
