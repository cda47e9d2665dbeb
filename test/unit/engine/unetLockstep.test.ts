// Runs that go together make one UNet call of all their rows, each row at its own run's timestep, and get
// their own rows back; calls that one call cannot take run one by one, as each run would make them alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinsCalls, UnetLockstep } from '../../../src/engine/unetLockstep';
import { SMALL_MODEL_BYTES } from '../../../src/engine/onnxModel';
import type { ModelSessions } from '../../../src/engine/modelSessions';
import type { Tensor } from '../../../src/core/tensor/tensor';

const PLANE = 4 * 2 * 2;

interface Feeds {
  sample: { data: Float32Array; dims: number[] };
  timestep: { data: ArrayLike<number> };
}

/** A UNet stub: each row's output is its sample plus 100 times its row's timestep. `timestep`: the shape of
 * its timestep input; `oneCall`: the whole batch in one call, as on a GPU provider (no unetRowsPerCall). */
function stubSessions({
  timestep = ['batch'],
  oneCall = false,
}: { timestep?: (string | number)[]; oneCall?: boolean } = {}) {
  const calls: number[] = [];
  const unet = {
    fixedBatch: () => undefined,
    input: () => ({ name: 'timestep', type: 'float32', shape: timestep }),
    run: ({ sample, timestep: t }: Feeds) => {
      calls.push(sample.dims[0]);
      const data = sample.data.map((v, i) => v + 100 * t.data[t.data.length === 1 ? 0 : Math.floor(i / PLANE)]);
      return Promise.resolve({ out_sample: { data, dims: [...sample.dims] } });
    },
  };
  const rowsPerCall = oneCall ? undefined : (n: number) => n;
  const s = { unet, unetLatentChannels: 4, unetRowsPerCall: rowsPerCall, folder: { files: { unet: 'unet' } } };
  return { s: s as unknown as ModelSessions, calls };
}

const rows = (n: number, from: number): Tensor<Float32Array> => ({
  data: Float32Array.from({ length: n * PLANE }, (_, i) => from + i),
  shape: [n, 4, 2, 2],
});
const expected = (x: Tensor<Float32Array>, t: number) => x.data.map((v) => v + 100 * t);

test('three runs at three timesteps make one call of all their rows and each gets its own rows back', async () => {
  const { s, calls } = stubSessions();
  const lockstep = new UnetLockstep();
  const lanes = [lockstep.lane(), lockstep.lane(), lockstep.lane()];
  const inputs = [rows(2, 0), rows(4, 1000), rows(1, 5000)];
  const into = new Float32Array(4 * PLANE);
  const outs = await Promise.all([
    lanes[0].call(s, inputs[0], 3, undefined, {}),
    lanes[1].call(s, inputs[1], 7, undefined, {}, into),
    lanes[2].call(s, inputs[2], 11, undefined, {}),
  ]);
  assert.deepEqual(calls, [7]);
  assert.deepEqual(outs[0], expected(inputs[0], 3));
  assert.equal(outs[1], into, "a run's own buffer holds its rows");
  assert.deepEqual(outs[1], expected(inputs[1], 7));
  assert.deepEqual(outs[2], expected(inputs[2], 11));
});

test('a run that left is not waited for; leaving twice counts once', async () => {
  const { s, calls } = stubSessions();
  const lockstep = new UnetLockstep();
  const [a, b, c] = [lockstep.lane(), lockstep.lane(), lockstep.lane()];
  const first = a.call(s, rows(1, 0), 1, undefined, {});
  c.leave();
  c.leave();
  const second = b.call(s, rows(1, 50), 2, undefined, {});
  await Promise.all([first, second]);
  assert.deepEqual(calls, [2]);
  b.leave();
  // a alone now: its next call goes at once.
  assert.deepEqual(await a.call(s, rows(1, 0), 4, undefined, {}), expected(rows(1, 0), 4));
  assert.deepEqual(calls, [2, 1]);
});

test('calls one call cannot take run one by one, each as its run would make it alone', async (t) => {
  const cases: [string, ReturnType<typeof stubSessions>, Tensor<Float32Array>[], number[]][] = [
    ['rows of another shape', stubSessions(), [rows(1, 0), { data: new Float32Array(8), shape: [1, 4, 2, 1] }], [3, 7]],
    ['a timestep the UNet takes once per call', stubSessions({ timestep: [] }), [rows(1, 0), rows(2, 10)], [3, 7]],
    ['a provider that runs a batch in one call', stubSessions({ oneCall: true }), [rows(1, 0), rows(2, 10)], [3, 7]],
  ];
  for (const [name, { s, calls }, inputs, ts] of cases) {
    await t.test(name, async () => {
      const lockstep = new UnetLockstep();
      const lanes = inputs.map(() => lockstep.lane());
      const outs = await Promise.all(lanes.map((l, i) => l.call(s, inputs[i], ts[i], undefined, {})));
      assert.equal(calls.length, 2);
      outs.forEach((out, i) => assert.deepEqual(out, expected(inputs[i], ts[i])));
    });
  }
});

test('runs at one timestep join even where the UNet takes one timestep per call', async () => {
  const { s, calls } = stubSessions({ timestep: [1] });
  const lockstep = new UnetLockstep();
  const [a, b] = [lockstep.lane(), lockstep.lane()];
  const outs = await Promise.all([a.call(s, rows(1, 0), 5, undefined, {}), b.call(s, rows(3, 9), 5, undefined, {})]);
  assert.deepEqual(calls, [4]);
  assert.deepEqual(outs[1], expected(rows(3, 9), 5));
});

test('rows that repeat another bit for bit are computed once, and each run gets its copy', async () => {
  const { s, calls } = stubSessions();
  const lockstep = new UnetLockstep();
  const lanes = [lockstep.lane(), lockstep.lane(), lockstep.lane(), lockstep.lane()];
  const negativeZero = rows(2, 0);
  negativeZero.data[0] = -0;
  const inputs = [rows(2, 0), rows(2, 0), negativeZero, rows(2, 0)];
  const ts = [3, 3, 3, 4];
  const outs = await Promise.all(lanes.map((l, i) => l.call(s, inputs[i], ts[i], undefined, {})));
  // The second run repeats the first; the third its second row only (-0 is not 0 bit for bit); another
  // timestep makes other rows.
  assert.deepEqual(calls, [5]);
  outs.forEach((out, i) => assert.deepEqual(out, expected(inputs[i], ts[i])));
  assert.ok(Object.is(outs[2][0], -0 + 300) && outs[1] !== outs[0], 'each run has its own array');
});

test('a failed joined call fails every run in it', async () => {
  const { s } = stubSessions();
  s.unet.run = () => Promise.reject(new Error('out of memory'));
  const lockstep = new UnetLockstep();
  const [a, b] = [lockstep.lane(), lockstep.lane()];
  const results = await Promise.allSettled([
    a.call(s, rows(1, 0), 1, undefined, {}),
    b.call(s, rows(1, 0), 2, undefined, {}),
  ]);
  assert.deepEqual(
    results.map((r) => r.status === 'rejected' && (r.reason as Error).message),
    ['out of memory', 'out of memory'],
  );
});

test('runs join only where a larger call pays: a small UNet on the CPU', () => {
  const sessions = (provider: string, bytes: number) => ({ provider, unet: { bytes } }) as unknown as ModelSessions;
  assert.equal(joinsCalls(sessions('cpu', 12e6)), true);
  assert.equal(joinsCalls(sessions('cpu', SMALL_MODEL_BYTES)), false, 'a large UNet runs a row at a time');
  assert.equal(joinsCalls(sessions('cuda', 12e6)), false, 'a GPU runs a batch in one call');
});
