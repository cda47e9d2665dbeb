// A1111's masked content "fill" (a1111Fill.ts) against A1111's own fill() (modules/masking.py) run on
// Debian's Pillow 9.4 (test/fixtures/reference/image/a1111_fill.json): every byte, over box, ramp, circle,
// grey-level, empty and full masks at four sizes (7×5 up to 64×64, where the radius-256 blur is wider than
// the image).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The fixture's input image: RGB (i·37 + c·91 + ⌊i / w⌋·13) mod 256 at pixel i, as RGBA. */
function image(w: number, h: number): Uint8Array {
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = (i * 37 + c * 91 + Math.floor(i / w) * 13) % 256;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

test('fill gives the bytes of A1111 fill() on Pillow', () => {
  assert.ok(cases.length >= 19);
  for (const c of cases) {
    const out = a1111Fill(image(c.width, c.height), Uint8Array.from(c.maskBytes), c.width, c.height);
    const rgb = Array.from({ length: c.width * c.height * 3 }, (_, i) => out[Math.floor(i / 3) * 4 + (i % 3)]);
    const wrong = rgb.findIndex((v, i) => v !== c.rgb[i]);
    assert.equal(wrong, -1, `${c.width}x${c.height} ${c.mask}: byte ${wrong} is ${rgb[wrong]}, Pillow ${c.rgb[wrong]}`);
    assert.ok(
      out.every((v, i) => i % 4 !== 3 || v === 255),
      'opaque',
    );
  }
});
