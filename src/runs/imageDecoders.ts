// The decoders behind decodeImage.ts, by format: PNG through fast-png, JPEG through jpeg-js (pure
// JavaScript, so nothing native ships for it). They run on a worker thread for the host (imageWorker.ts).
import { convertIndexedToRgb, decode as decodePng, type DecodedPng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import type { RgbaPixels } from '../protocol/engine';
import { imageFormat } from '../core/image/imageFormat';

/** PNG or JPEG bytes, told apart by their signatures, as 8-bit RGBA. `maxSide` bounds jpeg-js's own
 * memory use, in case the size check before decoding did not find the JPEG's frame header. */
export function decodeAny(bytes: Uint8Array, maxSide: number): RgbaPixels {
  const format = imageFormat(bytes);
  // IHDR's colour type, byte 25: 3 is indexed colour, which fast-png reads as grey where PLTE is missing.
  if (format === 'png') return pngRgba(pngData(bytes), bytes[25] === 3);
  if (format === 'jpeg') {
    // jpeg-js's memory count for an image runs to about 14 bytes a pixel (48 megapixels: over 664 MB).
    const maxResolutionInMP = (maxSide * maxSide) / 1e6;
    const maxMemoryUsageInMB = Math.max(512, Math.ceil(maxResolutionInMP * 16));
    const jpeg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP, maxMemoryUsageInMB });
    return { width: jpeg.width, height: jpeg.height, rgba: jpeg.data };
  }
  throw new Error('not a PNG or JPEG file');
}

/** fast-png's decode. On a cut or damaged file it fails reading past the end (a RangeError) or inflating
 * ("Error while decompressing the data:"), words that say nothing of the cause. */
function pngData(bytes: Uint8Array): DecodedPng {
  try {
    return decodePng(bytes);
  } catch (err) {
    const message = (err as Error).message.replace(/:\s*$/, '');
    const damaged = err instanceof RangeError || /decompress/i.test(message);
    throw new Error(damaged ? `the PNG is cut short or damaged (${message})` : message, { cause: err });
  }
}

/** Any PNG colour type and depth as 8-bit RGBA: grey spread to RGB, palettes looked up, 16 bits cut
 * to their high byte, 1/2/4-bit grey scaled to 0..255. */
function pngRgba(png: DecodedPng, indexed: boolean): RgbaPixels {
  const { width, height } = png;
  const n = width * height;
  const rgba = new Uint8Array(n * 4);
  if (indexed && !png.palette) throw new Error('the PNG has indexed colours but no palette (PLTE chunk)');
  if (png.palette) {
    const rgb = paletteRgb(png);
    const channels = rgb.length / n;
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = rgb[p * channels + c];
      rgba[p * 4 + 3] = channels === 4 ? rgb[p * 4 + 3] : 255;
    }
    return { width, height, rgba };
  }
  const { channels, depth } = png;
  if (![1, 2, 4, 8, 16].includes(depth)) throw new Error(`unsupported PNG bit depth ${depth}`);
  const value = depth >= 8 ? wholeSamples(png) : sampleReader(png);
  // Where each pixel's green, blue and alpha come from, from its first sample (-1: opaque).
  const [g, b, a] = channels <= 2 ? [0, 0, channels === 2 ? 1 : -1] : [1, 2, channels === 4 ? 3 : -1];
  for (let p = 0, at = 0; p < n; p++, at += channels) {
    rgba[p * 4] = value(at);
    rgba[p * 4 + 1] = value(at + g);
    rgba[p * 4 + 2] = value(at + b);
    rgba[p * 4 + 3] = a < 0 ? 255 : value(at + a);
  }
  return { width, height, rgba };
}

/** fast-png's palette lookup, its refusal of an index past the palette's end in words that say so. */
function paletteRgb(png: DecodedPng): Uint8Array {
  try {
    return convertIndexedToRgb(png);
  } catch (err) {
    if (!/index of palette/i.test((err as Error).message)) throw err;
    throw new Error(`a pixel of the PNG names a colour past the end of its ${png.palette!.length}-entry palette`, {
      cause: err,
    });
  }
}

/** 8- and 16-bit samples as 0..255 (the high byte of 16). */
function wholeSamples({ data, depth }: DecodedPng): (i: number) => number {
  const shift = depth === 16 ? 8 : 0;
  return (i) => data[i] >> shift;
}

/** Sample i of a 1-, 2- or 4-bit image as 0..255. Sub-byte grey rows start on a byte boundary. */
function sampleReader(png: DecodedPng): (i: number) => number {
  const { data, depth, width, channels } = png;
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const max = (1 << depth) - 1;
  return (i) => {
    const row = Math.floor(i / (width * channels));
    const bit = (i % (width * channels)) * depth;
    const byte = data[row * rowBytes + (bit >> 3)];
    return Math.round((((byte >> (8 - depth - (bit & 7))) & max) * 255) / max);
  };
}
