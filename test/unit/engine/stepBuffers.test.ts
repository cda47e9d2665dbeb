// A run's step buffers (src/engine/stepBuffers.ts) live in the fused steps' memory, which the next run of
// the same size takes over: release() gives back latents that are the run's own, so they outlive it, and
// moves the scheduler's per-run arrays, kept in that memory during the run, back into arrays of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler } from '../../../src/core/samplers/registry';
import type { Scheduler } from '../../../src/core/samplers/scheduler';
import type { Tensor } from '../../../src/core/tensor/tensor';
import { StepBuffers } from '../../../src/engine/stepBuffers';

const ddim = (): Scheduler => createScheduler({ _class_name: 'DDIMScheduler' }).scheduler!;

test('release copies latents held in the buffers, passes others through, and hands the memory on', () => {
  const shape = [1, 4, 2, 2];
  const first = new StepBuffers(shape, 2, ddim());
  const sample = first.out(1).prevSample;
  sample.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  const kept = first.release(sample);
  assert.notEqual(kept.data, sample.data, 'a copy');
  assert.deepEqual([...kept.data], [...sample.data]);
  const second = new StepBuffers(shape, 2, ddim());
  assert.equal(second.kernels, first.kernels, 'the next run of that size takes the memory over');
  second.out(1).prevSample.data.fill(0);
  assert.equal(kept.data[15], 16, 'the copy is untouched by the next run');
  const outside = { data: new Float32Array(16), shape };
  assert.equal(second.release(outside), outside);
  assert.notEqual(new StepBuffers([1, 4, 2, 3], 2, ddim()).kernels, first.kernels, 'another size gets its own');
});

test('a scheduler keeps its arrays in the memory while a run holds it, and in arrays of its own after', () => {
  const shape = [1, 4, 2, 2];
  const uniPc = () => {
    const s = createScheduler({ _class_name: 'UniPCMultistepScheduler', beta_schedule: 'scaled_linear' }).scheduler!;
    s.setTimesteps(6);
    return s;
  };
  const steps = (s: Scheduler, x: Tensor, from: number, to: number): Tensor => {
    for (let i = from; i < to; i++) {
      const m = Float32Array.from({ length: 16 }, (_, k) => Math.sin(k + i));
      x = s.step({ data: m, shape }, s.timesteps[i], x).prevSample;
    }
    return x;
  };
  const start = () => ({ data: Float32Array.from({ length: 16 }, (_, k) => Math.cos(k)), shape });
  const reference = steps(uniPc(), start(), 0, 6);
  const wipe = (b: StepBuffers) => new Float32Array(b.kernels.run.memory.buffer).fill(NaN);

  // Held: the history lives in the memory, so overwriting it mid-run spoils the run.
  const held = uniPc();
  const during = new StepBuffers(shape, 2, held);
  const x = steps(held, start(), 0, 3);
  wipe(during);
  assert.ok([...steps(held, x, 3, 6).data].some(Number.isNaN), 'the history was in the memory');
  during.release(x);

  // Released: the next run takes the memory over and overwrites it; the scheduler's run goes on unharmed.
  const s = uniPc();
  const first = new StepBuffers(shape, 2, s);
  const y = steps(s, start(), 0, 3);
  first.release(y);
  const later = uniPc();
  wipe(first);
  const next = new StepBuffers(shape, 2, later);
  assert.equal(next.kernels, first.kernels);
  assert.deepStrictEqual(steps(s, y, 3, 6).data, reference.data);
  // The next run's arrays start as whatever the memory held (NaN here): it writes each before it reads it.
  assert.deepStrictEqual(steps(later, start(), 0, 6).data, reference.data);
});
