// The fused steps' memory (src/engine/kernels/stepKernels.ts): slots of the fitted length, each padded with
// a zero where the length is odd, and an array copied in never reaching past its slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SLOT, StepKernels } from '../../../../src/engine/kernels/stepKernels';

test('a longer array (a scheduler’s shared zeros) fills its slot only; the next slot keeps its values', () => {
  const k = new StepKernels();
  k.fit(5);
  k.put(SLOT.b, Float32Array.of(1, 2, 3, 4, 5));
  k.put(SLOT.a, new Float32Array(100).fill(9));
  const next = new Float32Array(5);
  k.take(SLOT.b, next);
  assert.deepEqual([...next], [1, 2, 3, 4, 5]);
  const own = new Float32Array(5);
  k.take(SLOT.a, own);
  assert.deepEqual([...own], [9, 9, 9, 9, 9]);
});

test('an odd length is padded with a zero, so the last pair’s second lane adds nothing', () => {
  const k = new StepKernels();
  assert.equal(k.fit(3), 16, 'two pairs: 16 bytes a pass');
  k.put(SLOT.x, Float32Array.of(1, 2, 3));
  const memory = new Float32Array(k.run.memory.buffer, k.at(SLOT.x), 4);
  assert.deepEqual([...memory], [1, 2, 3, 0]);
});
