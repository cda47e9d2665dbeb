// Shared by the noise tests: the fixtures gen_noise_fixtures.py wrote, and the largest difference.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readNoiseFixture(name: string): any {
  return JSON.parse(readFileSync(join(__dirname, '../../../fixtures/reference/noise', name), 'utf8'));
}

export function maxAbsDiff(got: ArrayLike<number>, want: readonly number[]): number {
  assert.equal(got.length, want.length, 'length');
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  return max;
}
