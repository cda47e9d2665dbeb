// A real-size SD 1.5 UNet (random weights, scripts/make_sd15_random.py; REAL_SD15_DIR names its folder):
// session load time, one UNet call (batch 2, as guidance runs it) against PyTorch eager on the same
// weights, and the process's peak RSS, with onnxruntime's CPU memory arena on and off, each in a fresh
// process (twice each); and what probing a provider costs. Prints how to make the model when it is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { providerFailure } from '../src/engine/providerProbe';

const dir = process.env.REAL_SD15_DIR;
const LATENT = Number(process.env.REAL_SD15_LATENT ?? 32);
const CALLS = 3;

async function child(arena: boolean): Promise<void> {
  const path = join(dir!, 'unet', 'model.onnx');
  const t0 = performance.now();
  const options = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', enableCpuMemArena: arena } as const;
  const session = await ort.InferenceSession.create(path, options);
  const loadMs = performance.now() - t0;
  const n = 2 * 4 * LATENT * LATENT;
  const wave = (length: number) => Float32Array.from({ length }, (_, i) => Math.sin(i));
  const feeds = {
    sample: new ort.Tensor('float32', wave(n), [2, 4, LATENT, LATENT]),
    timestep: new ort.Tensor('float32', Float32Array.of(500), []),
    encoder_hidden_states: new ort.Tensor('float32', wave(2 * 77 * 768), [2, 77, 768]),
  };
  await session.run(feeds); // warm-up
  const calls: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const s = performance.now();
    await session.run(feeds);
    calls.push(performance.now() - s);
  }
  const median = [...calls].sort((a, b) => a - b)[Math.floor(CALLS / 2)];
  console.log(JSON.stringify({ arena, loadMs, callMs: median, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') return child(process.argv[3] === 'on');
  if (!dir || !existsSync(join(dir, 'unet', 'model.onnx'))) {
    console.log('skipped: set REAL_SD15_DIR to a folder made by');
    console.log('  /usr/bin/python3 scripts/make_sd15_random.py DIFFUSERS_SRC DIR');
    return;
  }
  const t0 = performance.now();
  const failure = await providerFailure('webgpu');
  const outcome = failure ? `fails (${failure.message.split('\n')[0].slice(-60)})` : 'starts';
  console.log(`webgpu probe: ${(performance.now() - t0).toFixed(0)} ms, ${outcome}`);
  const eager = JSON.parse(readFileSync(join(dir, 'torch_eager.json'), 'utf8'));
  const size = `${8 * LATENT}x${8 * LATENT}`;
  const eagerMs = eager.unet_call_ms_batch2[size]?.toFixed(0) ?? '-';
  console.log(`PyTorch eager (${eager.threads} threads): ${eagerMs} ms per UNet call at ${size}, batch 2`);
  // on, off, off, on: a drift in the machine's load over the four runs falls on both settings alike.
  for (const arena of ['on', 'off', 'off', 'on']) {
    const args = ['--import', 'tsx', __filename, 'child', arena];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: process.env });
    const line = r.stdout.trim().split('\n').pop()!;
    const m = JSON.parse(line);
    const load = `load ${(m.loadMs / 1000).toFixed(1)} s`;
    const rss = `peak RSS ${(m.peakRssMiB / 1024).toFixed(2)} GiB`;
    console.log(`onnxruntime cpu, arena ${arena}: ${load}, ${m.callMs.toFixed(0)} ms per call at ${size}, ${rss}`);
  }
}

void main();
