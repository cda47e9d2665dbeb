// numpy's SeedSequence port against numpy's own generate_state (fixtures/reference/noise/seed_sequence.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeedSequence } from '../../../../src/core/rng/seedSequence';

interface Case { entropy: string; spawn_key: number[]; pool_size: number; state: number[] }
const fixture = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/reference/noise/seed_sequence.json'), 'utf8'));

for (const c of fixture.cases as Case[]) {
  test(`SeedSequence(${c.entropy}, spawn_key=[${c.spawn_key.slice(0, 4)}${c.spawn_key.length > 4 ? ', …' : ''}], pool ${c.pool_size})`, () => {
    const seq = new SeedSequence(BigInt(c.entropy), c.spawn_key, c.pool_size);
    assert.deepEqual([...seq.generateState(c.state.length)], c.state);
  });
}

test('SeedSequence refuses negative and fractional entropy', () => {
  assert.throws(() => new SeedSequence(-1), /non-negative/);
  assert.throws(() => new SeedSequence(1.5), /integer/);
});
