// PNG encoding of the engine's images (pixels only; the host adds the run's metadata chunks).
import { encode } from 'fast-png';

export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  return encode({ width, height, data: rgba, channels: 4, depth: 8 });
}
