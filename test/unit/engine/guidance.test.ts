import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guide, rms, unguided } from '../../../src/engine/guidance';

// Batch of 2 images of 4 values: [uncond0, uncond1, text0, text1]. Expected values from numpy with
// diffusers' formulas (rescale_noise_cfg with torch.std's unbiased estimate).
const out = Float32Array.of(0.1, -0.2, 0.3, 0.5, 1.0, 0.0, -1.0, 2.0, 0.4, 0.1, 0.0, 0.2, -0.5, 0.5, 1.5, 1.0);

function close(actual: Float32Array, expected: number[]) {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `[${i}] ${v} vs ${expected[i]}`));
}

test('classifier-free guidance: uncond + g·(text − uncond)', () => {
  close(guide(out, 7.5, 0, 2).eps, [2.35, 2.05, -1.95, -1.75, -10.25, 3.75, 17.75, -5.5]);
});

test('guidance rescale φ scales each image to the text prediction’s std (Lin et al. 2023)', () => {
  close(
    guide(out, 7.5, 0.7, 2).eps,
    [0.82491016, 0.71960253, -0.68449998, -0.61429489, -3.57185745, 1.30677712, 6.18541193, -1.91660643],
  );
});

test('rms', () => {
  assert.equal(rms(Float32Array.of(3, -4, 0, 0)), 2.5);
});

test('guide reports the rms of what it returns and whether the UNet output was finite', () => {
  for (const phi of [0, 0.7]) {
    const g = guide(out, 7.5, phi, 2);
    assert.ok(Math.abs(g.rms - rms(g.eps)) < 1e-12, `φ ${phi}`);
    assert.equal(g.finite, true);
  }
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const at of [0, 12]) {
      const broken = Float32Array.from(out);
      broken[at] = bad;
      assert.equal(guide(broken, 0, 0, 2).finite, false, `${bad} at ${at}, g 0`);
      assert.equal(guide(broken, 1, 0, 2).finite, false, `${bad} at ${at}, g 1`);
      assert.equal(unguided(broken).finite, false, `${bad} at ${at}, unguided`);
    }
  }
});

test('guide writes into the buffer it is given', () => {
  const into = new Float32Array(8);
  assert.equal(guide(out, 7.5, 0, 2, into).eps, into);
  close(into, [2.35, 2.05, -1.95, -1.75, -10.25, 3.75, 17.75, -5.5]);
});

test('a float32 overflow of the guided value is not blamed on the UNet output', () => {
  const big = Float32Array.of(-3e38, 3e38);
  const g = guide(big, 7.5, 0, 1);
  assert.equal(g.finite, true);
  assert.equal(g.eps[0], Infinity);
});
