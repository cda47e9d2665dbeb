// Lanczos resampling against Pillow's own (test/fixtures/reference/image/gen_resize.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resizePlanes } from '../../../../src/core/image/resize';

interface Case {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  output: number[];
}

const FIXTURE = join(__dirname, '..', '..', '..', 'fixtures', 'reference', 'image', 'resize.json');
const { cases } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: Case[] };

for (const c of cases) {
  test(`Lanczos ${c.width}x${c.height} → ${c.outWidth}x${c.outHeight} matches PIL`, () => {
    const wave = (i: number) => Math.fround(Math.sin(0.37 * i) * 0.5 + 0.5);
    const input = Float32Array.from({ length: c.width * c.height }, (_, i) => wave(i));
    // Two channels: each plane is resized alone.
    const data = new Float32Array(2 * input.length);
    data.set(input);
    data.set(
      input.map((v) => 1 - v),
      input.length,
    );
    const out = resizePlanes({ data, channels: 2, width: c.width, height: c.height }, c.outWidth, c.outHeight);
    assert.deepEqual([out.width, out.height, out.data.length], [c.outWidth, c.outHeight, 2 * c.output.length]);
    c.output.forEach((v, i) => {
      assert.ok(Math.abs(out.data[i] - v) < 2e-6, `[${i}] ${out.data[i]} vs PIL ${v}`);
      assert.ok(Math.abs(out.data[c.output.length + i] - (1 - v)) < 2e-6, `second plane [${i}]`);
    });
  });
}
