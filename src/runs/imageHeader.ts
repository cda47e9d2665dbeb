// An image's size from its header, read before decoding: a small file can claim a huge image (a PNG
// of one colour compresses 1000:1), and decoding it first would take the memory and time it claims.
// PNG: the IHDR chunk, which the format puts first. JPEG: the first frame header (SOFn), found by
// walking the marker segments from the start.

import { imageFormat } from '../core/image/imageFormat';

export interface ImageSize {
  width: number;
  height: number;
}

/** "IHDR" */
const IHDR = [0x49, 0x48, 0x44, 0x52];

/** The size a PNG or JPEG declares, or undefined when the header cannot be found (the decoder then says
 * what is wrong). */
export function imageSize(bytes: Uint8Array): ImageSize | undefined {
  const format = imageFormat(bytes);
  if (format === 'png') return pngSize(bytes);
  if (format === 'jpeg') return jpegSize(bytes);
  return undefined;
}

function pngSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 24 || !IHDR.every((b, i) => bytes[12 + i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Start-of-frame markers C0–CF carry the size, but for C4 (Huffman tables), C8 (reserved) and CC
 * (arithmetic coding conditions). */
const isFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);

function jpegSize(bytes: Uint8Array): ImageSize | undefined {
  const u16 = (at: number) => (bytes[at] << 8) | bytes[at + 1];
  for (let at: number | undefined = 2; at !== undefined && at + 9 <= bytes.length; at = afterMarker(bytes, at)) {
    const marker = bytes[at + 1];
    // Scan data or the end before any frame header.
    if (marker === 0xda || marker === 0xd9) return undefined;
    if (isFrame(marker)) return { height: u16(at + 5), width: u16(at + 7) };
  }
  return undefined;
}

/** Where the JPEG marker at `at` ends: past a fill byte, a marker without a length (RSTn, TEM) or a segment
 * with its length. Undefined where `at` holds no marker, or a segment's length runs past the end. */
function afterMarker(bytes: Uint8Array, at: number): number | undefined {
  if (bytes[at] !== 0xff || at + 1 >= bytes.length) return undefined;
  const marker = bytes[at + 1];
  if (marker === 0xff) return at + 1;
  if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) return at + 2;
  if (at + 4 > bytes.length) return undefined;
  return at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
}

/** Whether a PNG's or JPEG's structure stops before its end (its IEND chunk, its end-of-image marker): a file
 * copied half, which the decoders fail reading past its end. Damage inside the data shows only in decoding. */
export function cutShort(bytes: Uint8Array): boolean {
  return imageFormat(bytes) === 'png' ? pngCutShort(bytes) : jpegCutShort(bytes);
}

function pngCutShort(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const IEND = 0x49454e44;
  for (let at = 8; at + 8 <= bytes.length; at += 12 + view.getUint32(at)) {
    if (view.getUint32(at + 4) === IEND) return false;
  }
  return true;
}

/** A layout this walk does not know (bytes where a marker should be) is left to the decoder. */
function jpegCutShort(bytes: Uint8Array): boolean {
  let at: number | undefined = 2;
  while (at !== undefined && at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return false;
    const marker = bytes[at + 1];
    if (marker === 0xd9) return false;
    at = afterMarker(bytes, at);
    if (at !== undefined && marker === 0xda) at = scanEnd(bytes, at);
  }
  return true;
}

/** Where a scan's entropy-coded data ends: at the next 0xFF that is neither stuffed (0xFF00) nor a restart. */
function scanEnd(bytes: Uint8Array, from: number): number | undefined {
  for (let at = from; at + 1 < bytes.length; at++) {
    const next = bytes[at + 1];
    if (bytes[at] === 0xff && next !== 0 && (next < 0xd0 || next > 0xd7)) return at;
  }
  return undefined;
}
