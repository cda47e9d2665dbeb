// Python's round(x, 6), which places torchsde's tree nodes, against Python itself
// (fixtures/reference/noise/python_round.json): ties to even, midpoints, float32 σ values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonRound } from '../../../../src/core/noise/pythonRound';
import { readNoiseFixture } from './noiseCheck';

const fixture = readNoiseFixture('python_round.json');

test(`pythonRound matches Python's round(x, ${fixture.digits}) on ${fixture.cases.length} values`, () => {
  for (const [x, want] of fixture.cases as [number, number][]) {
    assert.equal(pythonRound(x, fixture.digits), want, `round(${x}, ${fixture.digits})`);
  }
});

test('pythonRound refuses a negative digit count', () => {
  assert.throws(() => pythonRound(1.5, -1), /invalid digits -1/);
});
