// Text metadata in PNG files: tEXt chunks (Latin-1) or, for other characters, uncompressed UTF-8
// iTXt chunks, as A1111 does for its `parameters`. They go before the first IDAT, as A1111 and
// ComfyUI (through PIL) write them, so readers that stop at the pixels (PIL's `Image.open().info`)
// see them.
import { crc32 } from 'node:zlib';

/** Every UTF-16 unit is at most U+00FF (so Latin-1 can hold the text). */
const latin1 = /^[^\u0100-\uffff]*$/;

/** The PNG with text chunks inserted before its first IDAT. */
export function withPngText(png: Uint8Array, text: Record<string, string>): Uint8Array {
  const at = firstChunk(png, 'IDAT');
  if (at === undefined) throw new Error('not a PNG with image data');
  const chunks = Object.entries(text).map(([key, value]) => textChunk(key, value));
  return Buffer.concat([png.subarray(0, at), ...chunks, png.subarray(at)]);
}

/** Byte offset of the first chunk of this type. */
function firstChunk(bytes: Uint8Array, wanted: string): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 12 <= bytes.length; at += 12 + view.getUint32(at)) {
    if (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === wanted) return at;
  }
  return undefined;
}

/** The tEXt and iTXt entries of a PNG file, keyword → text. */
export function readPngText(bytes: Uint8Array): Record<string, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, string> = {};
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    const nul = data.indexOf(0);
    if (type === 'tEXt' && nul > 0) {
      out[Buffer.from(data.subarray(0, nul)).toString('latin1')] = Buffer.from(data.subarray(nul + 1)).toString(
        'latin1',
      );
    } else if (type === 'iTXt' && nul > 0 && data[nul + 1] === 0) {
      // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
      const lang = data.indexOf(0, nul + 3);
      const translated = data.indexOf(0, lang + 1);
      out[Buffer.from(data.subarray(0, nul)).toString('latin1')] = Buffer.from(data.subarray(translated + 1)).toString(
        'utf8',
      );
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return out;
}

function textChunk(keyword: string, text: string): Buffer {
  if (!/^[\u0020-\u007e\u00a1-\u00ff]{1,79}$/.test(keyword))
    throw new RangeError(`invalid PNG text keyword "${keyword}"`);
  const body = latin1.test(text)
    ? Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.of(0), Buffer.from(text, 'latin1')])
    : Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.of(0, 0, 0, 0, 0), Buffer.from(text, 'utf8')]);
  return pngChunk(latin1.test(text) ? 'tEXt' : 'iTXt', body);
}

/** One PNG chunk: length, type, data and the CRC-32 of type and data. */
export function pngChunk(type: string, body: Uint8Array): Buffer {
  const typeBytes = Buffer.from(type, 'latin1');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([typeBytes, body])));
  return Buffer.concat([head, typeBytes, body, crc]);
}
