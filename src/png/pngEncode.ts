// RGBA PNG encoding on Node's native zlib, for the host's large images (a sweep's grid): fast-png
// deflates in JavaScript, which took 150–250 ms of a 4×4 sweep's 1.7 s for its 814×844 grid.
import { deflateSync } from 'node:zlib';
import { pngChunk } from './pngText';

const SIGNATURE = Buffer.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** IHDR: 8 bits per channel, colour type 6 (RGBA), deflate, adaptive filtering, no interlace. */
const RGBA8 = [8, 6, 0, 0, 0];
const UP = 2;

export function encodeRgbaPng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const stride = width * 4;
  if (rgba.length !== stride * height) throw new RangeError(`${rgba.length} bytes are not ${width}×${height} RGBA`);
  // Filter type 2 (Up) on every row: rows of a scaled-up cell repeat, so most filtered rows are zeros,
  // which deflate packs small and fast (at level 3, fast-png's default).
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1);
    rows[at] = UP;
    for (let i = 0; i < stride; i++) {
      const p = y * stride + i;
      rows[at + 1 + i] = rgba[p] - (y > 0 ? rgba[p - stride] : 0);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set(RGBA8, 8);
  return Buffer.concat([
    SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows, { level: 3 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
