// A1111's "Only masked" geometry (a1111Crop.ts) against A1111's own functions on Debian's Pillow
// (test/fixtures/reference/image/a1111_crop.json): the crop region with its padding and its expansion to the
// run's aspect (masks inside, at edges and corners, a lone grey pixel, padding past the image), and
// resize_image's modes 1 and 2 byte for byte, fill bands included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { patternImage, rgbOf } from './patternImage';
import { a1111ResizeImage, cropRegion, expandCropRegion } from '../../../../src/core/image/a1111Crop';

interface Crop {
  width: number;
  height: number;
  box: [number, number, number, number];
  grey: [number, number] | null;
  padding: number;
  run: [number, number];
  region: number[];
  expanded: number[];
}
interface Resize {
  width: number;
  height: number;
  run: [number, number];
  mode: 1 | 2;
  rgb: number[];
}

const FIXTURE = join(__dirname, '..', '..', '..', 'fixtures', 'reference', 'image', 'a1111_crop.json');
const { crops, resizes } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { crops: Crop[]; resizes: Resize[] };

test("the crop region and its expansion are A1111's", () => {
  assert.equal(crops.length, 6);
  for (const c of crops) {
    const mask = new Uint8Array(c.width * c.height);
    const [x1, y1, x2, y2] = c.box;
    for (let y = y1; y < y2; y++) mask.fill(255, y * c.width + x1, y * c.width + x2);
    if (c.grey) mask[c.grey[1] * c.width + c.grey[0]] = 3;
    const region = cropRegion(mask, c.width, c.height, c.padding)!;
    assert.deepEqual(region, c.region, JSON.stringify(c.box));
    assert.deepEqual(expandCropRegion(region, ...c.run, c.width, c.height), c.expanded, JSON.stringify(c.box));
  }
  assert.equal(cropRegion(new Uint8Array(12), 4, 3, 8), undefined, 'a blank mask has no region');
});

test("resize_image's modes 1 and 2 give Pillow's bytes", () => {
  assert.equal(resizes.length, 8);
  for (const r of resizes) {
    const out = a1111ResizeImage(
      r.mode,
      { rgba: patternImage(r.width, r.height), width: r.width, height: r.height },
      r.run,
    );
    const rgb = rgbOf(out.rgba);
    const wrong = rgb.findIndex((v, i) => v !== r.rgb[i]);
    const name = `mode ${r.mode} ${r.width}x${r.height} → ${r.run.join('x')}`;
    assert.equal(wrong, -1, `${name}: byte ${wrong} is ${rgb[wrong]}, Pillow ${r.rgb[wrong]}`);
  }
});
