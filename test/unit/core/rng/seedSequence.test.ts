// numpy's SeedSequence port against numpy's own generate_state (fixtures/reference/noise/seed_sequence.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeedSequence } from '../../../../src/core/rng/seedSequence';
import { readNoiseFixture } from '../noise/noiseCheck';

interface Case {
  entropy: string;
  spawn_key: number[];
  pool_size: number;
  state: number[];
}
const fixture = readNoiseFixture('seed_sequence.json');

for (const c of fixture.cases as Case[]) {
  const key = `${c.spawn_key.slice(0, 4)}${c.spawn_key.length > 4 ? ', …' : ''}`;
  test(`SeedSequence(${c.entropy}, spawn_key=[${key}], pool ${c.pool_size})`, () => {
    const seq = new SeedSequence(BigInt(c.entropy), c.spawn_key, c.pool_size);
    assert.deepEqual([...seq.generateState(c.state.length)], c.state);
  });
}

test('SeedSequence refuses negative and fractional entropy', () => {
  assert.throws(() => new SeedSequence(-1), /non-negative/);
  assert.throws(() => new SeedSequence(1.5), /integer/);
});
