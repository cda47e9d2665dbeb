// A joined call's rows that repeat an earlier row in every feed, bit for bit, are found, left out of the
// call, and get that row's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distinctRows, firstCopies, spreadRows, type CallRows } from '../../../src/engine/repeatedRows';

const tensor = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), shape: [rows.length, rows[0].length] });

function callRows(samples: number[][], hidden: number[][], added: number[][], t: number[]): CallRows {
  return {
    input: tensor(samples),
    t: Float32Array.from(t),
    hidden: tensor(hidden),
    added: { time_ids: tensor(added) },
  };
}

test('a row repeats another only where the sample, timestep, hidden states and added inputs all match', () => {
  const rows = callRows(
    [
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
      [5, 6],
    ],
    [[7], [7], [8], [7], [7], [7]],
    [[0], [0], [0], [1], [0], [0]],
    [9, 9, 9, 9, 8, 9],
  );
  assert.deepEqual([...firstCopies(rows)!], [0, 0, 2, 3, 4, 5]);
  assert.equal(firstCopies(callRows([[1], [2]], [[0], [0]], [[0], [0]], [1, 1])), undefined);
});

test('the distinct rows go in the call, and their output spreads to every row', () => {
  const rows = callRows(
    [
      [1, 2],
      [3, 4],
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    [[0], [1], [0], [1], [0]],
    [[0], [0], [0], [0], [0]],
    [1, 1, 1, 1, 1],
  );
  const first = firstCopies(rows)!;
  const call = distinctRows(rows, first);
  assert.deepEqual([...call.input.data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(call.input.shape, [3, 2]);
  assert.deepEqual([...call.hidden!.data], [0, 1, 0]);
  assert.deepEqual([...call.added.time_ids.data], [0, 0, 0]);
  const out = spreadRows(Float32Array.of(10, 20, 30, 40, 50, 60), first, new Float32Array(10));
  assert.deepEqual([...out], [10, 20, 30, 40, 10, 20, 30, 40, 50, 60]);
});
