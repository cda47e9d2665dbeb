// PIL's 8-bit resize (pilResize.ts) against Pillow 9.4's Image.resize of 'L' planes
// (test/fixtures/reference/image/pil_resize.json): Lanczos and bicubic, down, up, one side only and
// unchanged, every byte; and RGBA pixels channel by channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pilResize, pilResizeRgba, type PilFilter } from '../../../../src/core/image/pilResize';

interface Case {
  filter: PilFilter;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  output: number[];
}

const FIXTURE = join(__dirname, '..', '..', '..', 'fixtures', 'reference', 'image', 'pil_resize.json');
const { cases } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: Case[] };

/** The fixture's input plane: (i·73 + ⌊i / w⌋·29 + i² mod 17) mod 256 at index i. */
const plane = (w: number, h: number) =>
  Uint8Array.from({ length: w * h }, (_, i) => (i * 73 + Math.floor(i / w) * 29 + ((i * i) % 17)) % 256);

test("the resize gives Pillow's bytes for Lanczos and bicubic", () => {
  assert.equal(cases.length, 16);
  for (const c of cases) {
    const out = pilResize(plane(c.width, c.height), c.width, c.height, c.outWidth, c.outHeight, c.filter);
    const name = `${c.filter} ${c.width}x${c.height} → ${c.outWidth}x${c.outHeight}`;
    assert.deepEqual(Array.from(out), c.output, name);
  }
});

test('RGBA pixels resize channel by channel', () => {
  const c = cases.find((k) => k.filter === 'lanczos' && k.width !== k.outWidth)!;
  const p = plane(c.width, c.height);
  const rgba = new Uint8Array(p.length * 4);
  p.forEach((v, i) => rgba.set([v, 255 - v, v, 255], i * 4));
  const out = pilResizeRgba({ rgba, width: c.width, height: c.height }, [c.outWidth, c.outHeight], 'lanczos');
  const flipped = pilResize(
    Uint8Array.from(p, (v) => 255 - v),
    c.width,
    c.height,
    c.outWidth,
    c.outHeight,
    'lanczos',
  );
  for (let i = 0; i < c.output.length; i++) {
    assert.deepEqual(Array.from(out.subarray(i * 4, i * 4 + 4)), [c.output[i], flipped[i], c.output[i], 255]);
  }
});
