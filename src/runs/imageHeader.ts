// An image's size from its header, read before decoding: a small file can claim a huge image (a PNG
// of one colour compresses 1000:1), and decoding it first would take the memory and time it claims.
// PNG: the IHDR chunk, which the format puts first. JPEG: the first frame header (SOFn), found by
// walking the marker segments from the start.

export interface ImageSize {
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** "IHDR" */
const IHDR = [0x49, 0x48, 0x44, 0x52];

/** The size a PNG or JPEG declares, or undefined when the header cannot be found (the decoder then says
 * what is wrong). */
export function imageSize(bytes: Uint8Array): ImageSize | undefined {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return pngSize(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes);
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
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    // Fill bytes, and markers without a length (RSTn, TEM).
    if (marker === 0xff || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    // Scan data or the end before any frame header.
    if (marker === 0xda || marker === 0xd9) return undefined;
    if (isFrame(marker)) return { height: u16(at + 5), width: u16(at + 7) };
    at += 2 + u16(at + 2);
  }
  return undefined;
}
