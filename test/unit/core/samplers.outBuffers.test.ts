// StepOptions.out: a sampler writing into the caller's buffers (reused every step, left holding NaN
// from before) gives exactly what it gives into fresh arrays, and refuses buffers that do not fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler, schedulerClassNames } from '../../../src/core/samplers/registry';
import { TorchGenerator } from '../../../src/core/rng/torchGenerator';
import type { StepOutput } from '../../../src/core/samplers/scheduler';
import type { Tensor } from '../../../src/core/tensor/tensor';

const SHAPE = [1, 4, 3, 3];
const N = 36;
const CONFIG = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };

/** prevSample and predOriginalSample of every step of a 6-step run; `out` makes it reuse buffers. */
function run(className: string, reuse: boolean): Float32Array[] {
  const s = createScheduler({ _class_name: className, ...CONFIG }).scheduler!;
  s.setTimesteps(6);
  const noise = new TorchGenerator(3);
  const buffers = (): StepOutput => ({
    prevSample: { data: new Float32Array(N).fill(NaN), shape: SHAPE },
    predOriginalSample: { data: new Float32Array(N).fill(NaN), shape: SHAPE },
  });
  const pingPong = [buffers(), buffers()];
  let x: Tensor = { data: Float32Array.from({ length: N }, (_, i) => Math.cos(i)), shape: SHAPE };
  const seen: Float32Array[] = [];
  s.timesteps.forEach((t, i) => {
    const m: Tensor = { data: Float32Array.from({ length: N }, (_, k) => Math.sin(k + i)), shape: SHAPE };
    const step = s.step(m, t, x, noise, reuse ? { out: pingPong[i % 2] } : {});
    seen.push(Float32Array.from(step.prevSample.data), Float32Array.from(step.predOriginalSample.data));
    x = step.prevSample;
  });
  return seen;
}

for (const name of schedulerClassNames) {
  test(`${name}: stepping into reused buffers matches fresh outputs bit for bit`, () => {
    assert.deepEqual(run(name, true), run(name, false));
  });
}

test('out buffers of the wrong size or type are refused, naming the buffer', () => {
  const s = createScheduler({ _class_name: 'DDIMScheduler', ...CONFIG }).scheduler!;
  s.setTimesteps(4);
  const x: Tensor = { data: new Float32Array(N), shape: SHAPE };
  const ok = { data: new Float32Array(N), shape: SHAPE };
  const t = s.timesteps[0];
  assert.throws(
    () =>
      s.step(x, t, x, undefined, {
        out: { prevSample: { data: new Float32Array(4), shape: [4] }, predOriginalSample: ok },
      }),
    /out\.prevSample must be a Float32Array of 36 values/,
  );
  assert.throws(
    () =>
      s.step(x, t, x, undefined, {
        out: { prevSample: ok, predOriginalSample: { data: new Float64Array(N), shape: SHAPE } },
      }),
    /out\.predOriginalSample must be a Float32Array/,
  );
});
