// Milliseconds to read a phone photo's size (4032×3024) as an init image or a forward-view image:
// decodeImage (src/runs/inputImages.ts) on a PNG and a JPEG, against its decoders alone as peers
// (fast-png's decode, jpeg-js's decode to RGBA), so the ratio is what the conversion to 8-bit RGBA adds.
// The extension host runs this on its own thread. Figures are printed, nothing is asserted.
import { decode as decodePng, encode as encodePng } from 'fast-png';
import { decode as decodeJpeg, encode as encodeJpeg } from 'jpeg-js';
import { decodeImage } from '../src/runs/inputImages';

const [W, H] = [4032, 3024];
const RUNS = 5;

/** A smooth picture with some texture, so both codecs do representative work. */
function picture(channels: 3 | 4): Uint8Array {
  const data = new Uint8Array(W * H * channels);
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i += channels) {
      data[i] = (x * 255) / W;
      data[i + 1] = (y * 255) / H;
      data[i + 2] = 128 + 100 * Math.sin(x / 37) * Math.cos(y / 23);
      if (channels === 4) data[i + 3] = 255;
    }
  }
  return data;
}

const best = (work: () => unknown) => {
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    work();
    ms.push(performance.now() - t0);
  }
  return Math.min(...ms);
};

const png = encodePng({ width: W, height: H, data: picture(3), channels: 3 });
const jpeg = encodeJpeg({ width: W, height: H, data: picture(4) }, 90).data;
const limits = { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 20, maxMemoryUsageInMB: 1024 };
const rows: [string, number, number][] = [
  ['PNG, RGB 8-bit', best(() => decodeImage(png, 4096)), best(() => decodePng(png))],
  ['JPEG', best(() => decodeImage(jpeg, 4096)), best(() => decodeJpeg(jpeg, limits))],
];
console.log(`decodeImage on ${W}×${H}, best of ${RUNS}; peer: the decoder alone`);
for (const [label, ours, peer] of rows)
  console.log(
    `  ${label.padEnd(16)} ${ours.toFixed(0).padStart(6)} ms   peer ${peer.toFixed(0).padStart(6)} ms   ${(ours / peer).toFixed(2)}×`,
  );
