// Gallery thumbnails: the first image box-averaged down to at most THUMB_SIDE pixels a side, so
// the side panel receives kilobytes per run rather than full-size PNGs.
import { encode } from 'fast-png';
import type { PreviewImage } from '../../protocol/engine';

export const THUMB_SIDE = 128;

export function thumbnailPng(image: PreviewImage): Uint8Array {
  const scale = Math.max(1, Math.ceil(Math.max(image.width, image.height) / THUMB_SIDE));
  const width = Math.ceil(image.width / scale);
  const height = Math.ceil(image.height / scale);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sums = [0, 0, 0, 0];
      let n = 0;
      for (let sy = y * scale; sy < Math.min(image.height, (y + 1) * scale); sy++) {
        for (let sx = x * scale; sx < Math.min(image.width, (x + 1) * scale); sx++) {
          const at = (sy * image.width + sx) * 4;
          for (let c = 0; c < 4; c++) sums[c] += image.rgba[at + c];
          n++;
        }
      }
      for (let c = 0; c < 4; c++) rgba[(y * width + x) * 4 + c] = Math.round(sums[c] / n);
    }
  }
  return new Uint8Array(encode({ width, height, data: rgba, channels: 4, depth: 8 }));
}
