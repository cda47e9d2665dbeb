// A run's trajectory as one picture per step: the x̂0 preview beside x_t's channels in a grid.
// Those frames become an animated GIF (gifenc: small, fast, no workers or wasm needed in a
// webview) or a single PNG strip, steps left to right.
import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import type { StepFrame } from '../../src/protocol/workbench';
import { channelImage, drawRgba, type RgbaImage } from '../shared/workbenchPixels';

const SIDE = 128;
const FRAME_DELAY_MS = 120;

/** One step drawn at SIDE px high: [x̂0 preview | x_t channel grid]. */
export function composeFrame(frame: StepFrame): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = SIDE * 2;
  canvas.height = SIDE;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (frame.preview) ctx.drawImage(toCanvas(frame.preview), 0, 0, SIDE, SIDE);
  if (frame.xt) {
    const channels = frame.latentShape[0];
    const cols = Math.ceil(Math.sqrt(channels));
    const tile = Math.floor(SIDE / cols);
    for (let c = 0; c < channels; c++) {
      ctx.drawImage(
        toCanvas(channelImage(frame.xt, frame.latentShape, c)),
        SIDE + (c % cols) * tile,
        Math.floor(c / cols) * tile,
        tile,
        tile,
      );
    }
  }
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

export function trajectoryGif(frames: readonly StepFrame[]): Uint8Array {
  const gif = GIFEncoder();
  for (const [i, frame] of frames.entries()) {
    const { data, width, height } = composeFrame(frame);
    const palette = quantize(data, 256);
    // The last frame lingers so the result is seen before the loop restarts.
    const delay = i === frames.length - 1 ? FRAME_DELAY_MS * 8 : FRAME_DELAY_MS;
    gif.writeFrame(applyPalette(data, palette), width, height, { palette, delay, repeat: 0 });
  }
  gif.finish();
  return gif.bytes();
}

export async function trajectoryStrip(frames: readonly StepFrame[]): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  canvas.width = SIDE * 2 * frames.length;
  canvas.height = SIDE;
  const ctx = canvas.getContext('2d')!;
  frames.forEach((frame, i) => ctx.putImageData(composeFrame(frame), i * SIDE * 2, 0));
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the strip is too large for a canvas');
  return new Uint8Array(await blob.arrayBuffer());
}

function toCanvas(image: RgbaImage): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  drawRgba(canvas, image);
  return canvas;
}
