import { loadSessions } from './src/engine/modelSessions';
import { readModelFolder } from './src/modelFolder/modelFolder';
import { defaultModelDir } from './src/runs/enginePaths';
import { runUnet } from './src/engine/runUnet';
import * as ort from 'onnxruntime-node';
(async () => {
  const s = await loadSessions(readModelFolder(defaultModelDir()), 'cpu');
  const peer = s.unetPeer!; await peer.opened;
  const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1].toFixed(3);
  for (const rows of [2, 8]) {
    const input = { data: Float32Array.from({ length: rows * 1024 }, (_, i) => Math.sin(i)), shape: [rows, 4, 16, 16] };
    const hidden = { data: Float32Array.from({ length: rows * 16 * 96 }, (_, i) => Math.cos(i)), shape: [rows, 16, 96] };
    const r: number[] = [], a: number[] = [], pr: number[] = [];
    for (let i = 0; i < 100; i++) {
      let t0 = performance.now(); await runUnet(s, input, 500, hidden, {}); r.push(performance.now() - t0);
      // the engine session alone, its half, called directly (sync inside setImmediate)
      const half = rows / 2;
      const feeds = { sample: { data: input.data.subarray(0, half * 1024), dims: [half, 4, 16, 16] }, timestep: { data: new Array(half).fill(500), dims: [half] }, encoder_hidden_states: { data: hidden.data.subarray(0, half * 1536), dims: [half, 16, 96] } };
      t0 = performance.now(); await s.unet.run(feeds); a.push(performance.now() - t0);
      t0 = performance.now(); await peer.run(feeds); pr.push(performance.now() - t0);
    }
    console.log(`rows ${rows}: runUnet with peer ${med(r)} ms; engine half alone ${med(a)}; peer half alone (round trip) ${med(pr)}`);
  }
  await peer.release(); process.exit(0);
})();
