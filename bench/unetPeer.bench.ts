// A small UNet's calls on the CPU provider (issue 16, src/engine/unetPeer.ts): the rows in two groups run side
// by side, on the engine thread and on the peer in a worker thread, against the same groups one after the
// other on the engine thread alone, and against the whole batch in one call on a session of two intra-op
// threads (how the engine ran it before the peer). The default model's UNet, a guided image (2 rows) and a
// batch of 4 (8 rows, a sweep's seed group); the settings in turn, so the machine's load falls on all
// alike. Medians and 10th percentiles of wall time per call. Figures are printed, nothing is asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSessions } from '../src/engine/modelSessions';
import { OnnxModel } from '../src/engine/onnxModel';
import { runUnet } from '../src/engine/runUnet';
import { readModelFolder } from '../src/modelFolder/modelFolder';
import { defaultModelDir } from '../src/runs/enginePaths';

const CALLS = 80;
const RUN = 10;
const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)].toFixed(2);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const s = await loadSessions(readModelFolder(defaultModelDir()), 'cpu');
  const peer = s.unetPeer;
  if (!peer || !(await peer.opened)) {
    console.log('skipped: no UNet peer here (one core, or the peer could not open)');
    return;
  }
  const twoThreads = await OnnxModel.create(join(defaultModelDir(), 'unet', 'model.onnx'), 'unet', 'cpu');
  const [context, width] = s.unet.input('encoder_hidden_states').shape.slice(1) as number[];
  const latent = s.unet.input('sample').shape.slice(1) as number[];
  const ways: [string, () => void][] = [
    ['two groups side by side (engine)', () => Object.assign(s, { unetPeer: peer })],
    ['two groups on the engine thread', () => Object.assign(s, { unetPeer: undefined })],
    [
      'whole batch, two intra-op threads',
      () => Object.assign(s, { unetPeer: undefined, unetRowsPerCall: undefined, unet: twoThreads }),
    ],
  ];
  const { unet, unetRowsPerCall } = s;
  console.log(`${defaultModelDir()}: ${CALLS} UNet calls per way and batch, in turn; load average ${load()}`);
  console.log(`  ${'rows'.padEnd(5)} ${'way'.padEnd(36)} wall p10 (p50) ms`);
  for (const rows of [2, 8]) {
    const input = {
      data: Float32Array.from({ length: rows * latent.reduce((a, b) => a * b) }, (_, i) => Math.sin(i)),
      shape: [rows, ...latent],
    };
    const hidden = {
      data: Float32Array.from({ length: rows * context * width }, (_, i) => Math.cos(i)),
      shape: [rows, context, width],
    };
    const wall = ways.map((): number[] => []);
    // Runs of RUN calls back to back, as a sampling run makes them (the peer polls for the next), the ways
    // in turn; each run's first call warms up and is not counted.
    for (let i = 0; i < CALLS / RUN; i++) {
      for (const [k, [, set]] of ways.entries()) {
        Object.assign(s, { unet, unetRowsPerCall });
        set();
        for (let call = -1; call < RUN; call++) {
          const t0 = performance.now();
          await runUnet(s, input, 500, hidden, {});
          if (call >= 0) wall[k].push(performance.now() - t0);
        }
      }
    }
    ways.forEach(([name], k) =>
      console.log(`  ${String(rows).padEnd(5)} ${name.padEnd(36)} ${at(wall[k], 0.1)} (${at(wall[k], 0.5)})`),
    );
  }
  Object.assign(s, { unet, unetRowsPerCall, unetPeer: peer });
  console.log(`load average ${load()}`);
  await Promise.all([peer.release(), twoThreads.release(), s.unet.release()]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
