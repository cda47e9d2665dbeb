// Milliseconds to read a phone photo's size (4032×3024) as an init image or a forward-view image:
// decodeImage (src/runs/inputImages.ts) on a PNG and a JPEG, against its decoders alone as peers
// (fast-png's decode, jpeg-js's decode to RGBA), so the ratio is what the conversion to 8-bit RGBA adds;
// then the same bytes again, which decodeImage's memo of recent images answers, and the longest the
// caller's event loop (the extension host's) stalled meanwhile: decoding runs on a worker thread.
// Figures are printed, nothing is asserted.
import { decode as decodePng, encode as encodePng } from 'fast-png';
import { decode as decodeJpeg, encode as encodeJpeg } from 'jpeg-js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { decodeImage } from '../src/runs/decodeImage';

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

/** Best ms of `work` over RUNS, each on the file with one more byte after its end (which both decoders
 * ignore), so decodeImage's memo of recent images (keyed by content) never answers. */
const best = async (bytes: Uint8Array, work: (bytes: Uint8Array) => unknown) => {
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const own = new Uint8Array(bytes.length + 1);
    own.set(bytes);
    own[bytes.length] = r;
    const t0 = performance.now();
    await work(own);
    ms.push(performance.now() - t0);
  }
  return Math.min(...ms);
};

async function main(): Promise<void> {
  const png = encodePng({ width: W, height: H, data: picture(3), channels: 3 });
  const jpeg = encodeJpeg({ width: W, height: H, data: picture(4) }, 90).data;
  const limits = { useTArray: true as const, formatAsRGBA: true, maxResolutionInMP: 20, maxMemoryUsageInMB: 1024 };
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const rows: [string, number, number][] = [
    ['PNG, RGB 8-bit', await best(png, (b) => decodeImage(b, 4096)), await best(png, (b) => decodePng(b))],
    ['JPEG', await best(jpeg, (b) => decodeImage(b, 4096)), await best(jpeg, (b) => decodeJpeg(b, limits))],
  ];
  // The caller's loop, over decodeImage alone (the peers run on this thread).
  stalls.reset();
  await best(jpeg, (b) => decodeImage(b, 4096));
  await best(png, (b) => decodeImage(b, 4096, { fitSide: 512 }));
  const longestStall = stalls.max / 1e6;
  stalls.disable();
  // The same bytes again (a run from the init image just chosen): the memo's answer, after hashing them.
  await decodeImage(jpeg, 4096, { keep: true });
  const again = await best(jpeg, () => decodeImage(jpeg, 4096, { keep: true }));
  console.log(`decodeImage on ${W}×${H}, best of ${RUNS}; peer: the decoder alone`);
  for (const [label, ours, peer] of rows)
    console.log(
      `  ${label.padEnd(16)} ${ours.toFixed(0).padStart(6)} ms   peer ${peer.toFixed(0).padStart(6)} ms   ${(ours / peer).toFixed(2)}×`,
    );
  console.log(`  the same JPEG again: ${again.toFixed(1)} ms (its SHA-256, then the decoded image kept from before)`);
  console.log(
    `  the caller's event loop stalled at most ${longestStall.toFixed(0)} ms while these decoded (and one fitted to 512)`,
  );
}

void main();
