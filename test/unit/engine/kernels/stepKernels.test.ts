// The fused steps' memory (src/engine/kernels/stepKernels.ts): slots of a fixed length, each padded with
// zeros to a multiple of four, an array copied in never reaching past its slot, and the slots' own views
// read and written in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SLOT, StepKernels } from '../../../../src/engine/kernels/stepKernels';

test('a longer array (a scheduler’s shared zeros) fills its slot only; the next slot keeps its values', () => {
  const k = new StepKernels(5);
  k.read(SLOT.b, Float32Array.of(1, 2, 3, 4, 5));
  k.read(SLOT.a, new Float32Array(100).fill(9));
  assert.deepEqual([...k.view(SLOT.b)], [1, 2, 3, 4, 5]);
  assert.deepEqual([...k.view(SLOT.a)], [9, 9, 9, 9, 9]);
});

test('a length not divisible by 4 is padded with zeros, also where a slot held other values', () => {
  const k = new StepKernels(5);
  assert.equal(k.bytes, 32, 'two groups of four: 32 bytes a pass');
  new Float32Array(k.run.memory.buffer, k.at(SLOT.x), 8).fill(7);
  k.read(SLOT.x, Float32Array.of(1, 2, 3, 4, 5));
  const memory = new Float32Array(k.run.memory.buffer, k.at(SLOT.x), 8);
  assert.deepEqual([...memory], [1, 2, 3, 4, 5, 0, 0, 0]);
});

test('a slot’s view is read and written in place; any other array is copied in and out', () => {
  const k = new StepKernels(6);
  const own = k.view(SLOT.s1);
  own.set([1, 2, 3, 4, 5, 6]);
  assert.equal(k.read(SLOT.x, own), k.at(SLOT.s1), 'read where it lies');
  assert.equal(k.write(SLOT.prev, own), k.at(SLOT.s1), 'written where it lies');
  const elsewhere = Float32Array.of(6, 5, 4, 3, 2, 1);
  assert.equal(k.read(SLOT.x, elsewhere), k.at(SLOT.x));
  assert.deepEqual([...k.view(SLOT.x)], [6, 5, 4, 3, 2, 1]);
  // A view of the same memory that is not a slot (off a slot's start, or shorter) is not taken as one.
  const offset = new Float32Array(k.run.memory.buffer, k.at(SLOT.s1) + 4, 6);
  assert.equal(k.read(SLOT.x, offset), k.at(SLOT.x));
  assert.equal(k.write(SLOT.prev, own.subarray(0, 5)), k.at(SLOT.prev));
  k.view(SLOT.prev).set([7, 7, 7, 7, 7, 7]);
  const out = new Float32Array(6);
  k.copyOut(SLOT.prev, out);
  assert.deepEqual([...out], [7, 7, 7, 7, 7, 7]);
  k.copyOut(SLOT.prev, own);
  assert.deepEqual([...own], [1, 2, 3, 4, 5, 6], 'a slot is not copied over');
});

test('the UNet output’s halves lie end to end in the u and t slots only for a length divisible by 4', () => {
  const k = new StepKernels(8);
  const halves = k.pair(SLOT.u)!;
  assert.equal(halves.length, 16);
  assert.equal(k.read(SLOT.u, halves.subarray(0, 8)), k.at(SLOT.u));
  assert.equal(k.read(SLOT.t, halves.subarray(8)), k.at(SLOT.t));
  assert.equal(new StepKernels(6).pair(SLOT.u), undefined);
  assert.equal(new StepKernels(9).pair(SLOT.u), undefined);
});

test('scaleInput writes x·c, rounded once as a JavaScript multiply stores it, into each row of the input', () => {
  const x = Float32Array.from({ length: 12 }, (_, i) => (i % 2 ? -1 : 1) * Math.exp(i - 6) * 1.7);
  x[3] = 3.4028234663852886e38; // times c above 1: Infinity in float32, as in JavaScript
  x[5] = 1e-45; // subnormal
  const c = 1.0000001192092896 * 3.3;
  const expected = Float32Array.from(x, (v) => v * c);
  for (const copies of [1, 2] as const) {
    for (const length of [12, 10]) {
      const k = new StepKernels(length);
      const input = k.inputArray(copies);
      assert.equal(input.length, copies * length);
      const from = x.subarray(0, length);
      k.scaleInput(from, c, input);
      for (let row = 0; row < copies; row++) {
        const got = input.subarray(row * length, (row + 1) * length);
        assert.deepEqual([...got], [...expected.subarray(0, length)], `${copies} rows of ${length}, row ${row}`);
      }
    }
  }
});

test('the UNet input is the in0 and in1 slots end to end where the length allows, else an array of its own', () => {
  const k = new StepKernels(8);
  assert.equal(k.inputArray(2).byteOffset, k.at(SLOT.in0));
  assert.equal(k.inputArray(1).byteOffset, k.at(SLOT.in0));
  const six = new StepKernels(6);
  const odd = six.inputArray(2);
  assert.notEqual(odd.buffer, six.run.memory.buffer);
  assert.equal(odd.length, 12);
});

test('slotted() keeps a slot where it lies and copies any other array into the slot it names', () => {
  const k = new StepKernels(4);
  const own = k.view(SLOT.s0);
  assert.equal(k.slotted(SLOT.x, own), own);
  const copied = k.slotted(SLOT.x, Float32Array.of(1, 2, 3, 4));
  assert.equal(copied.byteOffset, k.at(SLOT.x));
  assert.deepEqual([...copied], [1, 2, 3, 4]);
});
