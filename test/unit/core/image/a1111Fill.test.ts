// A1111's masked content "fill" (a1111Fill.ts) against A1111's own fill() (modules/masking.py) run on
// Debian's Pillow 9.4 (test/fixtures/reference/image/a1111_fill.json): every byte, over box, ramp, circle,
// grey-level, empty and full masks at four sizes (7×5 up to 64×64, where the radius-256 blur is wider than
// the image).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { patternImage, rgbOf } from './patternImage';
import { a1111Fill } from '../../../../src/core/image/a1111Fill';

interface Case {
  width: number;
  height: number;
  mask: string;
  maskBytes: number[];
  rgb: number[];
}

const FIXTURE = join(__dirname, '..', '..', '..', 'fixtures', 'reference', 'image', 'a1111_fill.json');
const { cases } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: Case[] };

test('fill gives the bytes of A1111 fill() on Pillow', () => {
  assert.ok(cases.length >= 19);
  for (const c of cases) {
    const out = a1111Fill(patternImage(c.width, c.height), Uint8Array.from(c.maskBytes), c.width, c.height);
    const rgb = rgbOf(out);
    const wrong = rgb.findIndex((v, i) => v !== c.rgb[i]);
    assert.equal(wrong, -1, `${c.width}x${c.height} ${c.mask}: byte ${wrong} is ${rgb[wrong]}, Pillow ${c.rgb[wrong]}`);
    assert.ok(
      out.every((v, i) => i % 4 !== 3 || v === 255),
      'opaque',
    );
  }
});
