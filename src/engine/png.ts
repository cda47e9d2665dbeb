// PNG encoding of the engine's images (pixels only; the host adds the run's metadata chunks), with the
// encoder on Node's zlib shared with the host: fast-png's deflate in JavaScript took 10–25 ms of a cold engine's only
// image of the default model (compiling it, mostly), against 2 ms.
import { encodeRgbaPng } from '../png/pngEncode';

export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  return encodeRgbaPng(width, height, rgba);
}
