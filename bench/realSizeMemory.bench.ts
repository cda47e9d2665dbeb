// Peak memory at real size (issue 14): the engine's peak RSS for a 512² SD 1.5 run in fp32 (text encoder,
// STEPS guided UNet calls, VAE decode; the engine's own sessions and pipeline, in process; then the same run
// again on the same sessions) and for a 1024²
// VAE decode (SDXL's output size; SDXL's VAE has SD 1.5's architecture), against PyTorch doing the same on the
// same weights (torch_peak.json). The folder: REAL_SD15_DIR, made by scripts/make_sd15_random.py then
// scripts/make_sd15_folder.py. Each measurement runs in a fresh process; nothing is asserted.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxModel } from '../src/engine/onnxModel';
import { runPipeline } from '../src/engine/pipeline';
import { SessionCache } from '../src/engine/sessionCache';
import { runSpec } from '../src/protocol/run';

const dir = process.env.REAL_SD15_DIR;
const GiB = 2 ** 30;
const peakGiB = () => (process.resourceUsage().maxRSS * 1024) / GiB;

async function run512(steps: number): Promise<Record<string, number>> {
  const { sessions } = await new SessionCache().get(dir!, 'cpu');
  const loadedGiB = peakGiB();
  let stepsGiB = 0; // after the text encoder and the UNet calls, before the VAE decode
  const control = { onStep: () => void (stepsGiB = peakGiB()), cancelled: () => false };
  const spec = runSpec({ modelDir: dir!, prompt: 'a red circle', seed: 1, steps, width: 512, height: 512 });
  const request = { spec, options: { provider: 'cpu' as const, preview: { every: 0, kind: 'none' as const } } };
  const { timings } = (await runPipeline(sessions, request, control, 0)).info;
  const stepS = timings.unetRunMs.reduce((a, b) => a + b, 0) / timings.unetRunMs.length / 1000;
  const first = { loadedGiB, stepsGiB, peakGiB: peakGiB(), stepS, vaeS: timings.vaeMs / 1000 };
  // A second run on the same sessions, as the engine's session cache gives them: what the first left held.
  await runPipeline(sessions, request, { ...control, onStep: () => {} }, 0);
  return { ...first, secondRunPeakGiB: peakGiB() };
}

/** Two VAE decodes of one session at `size`² pixels: the first pays for what the session sets up, the second
 * is what later runs cost. */
async function vaeDecode(size: number, arena: boolean): Promise<Record<string, number>> {
  const vae = await OnnxModel.create(join(dir!, 'vae_decoder', 'model.onnx'), 'vae_decoder', 'cpu', {
    cpuArena: arena,
  });
  const side = size / 8;
  const data = Float32Array.from({ length: 4 * side * side }, (_, i) => Math.sin(i));
  const seconds: number[] = [];
  for (let k = 0; k < 2; k++) {
    const started = performance.now();
    await vae.run({ latent_sample: { data, dims: [1, 4, side, side] } });
    seconds.push((performance.now() - started) / 1000);
  }
  return { peakGiB: peakGiB(), firstDecodeS: seconds[0], secondDecodeS: seconds[1] };
}

/** The UNet alone at 64² latents, as guidance feeds it (one call at batch 2) or as two calls at batch 1: what
 * splitting the guidance batch would save. Arena off, as the engine opens the UNet. */
async function unet512(batch: number): Promise<Record<string, number>> {
  const unet = await OnnxModel.create(join(dir!, 'unet', 'model.onnx'), 'unet', 'cpu', { cpuArena: false });
  const loadedGiB = peakGiB();
  const wave = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  const feeds = {
    sample: { data: wave(batch * 4 * 64 * 64), dims: [batch, 4, 64, 64] },
    timestep: { data: [500], dims: [] },
    encoder_hidden_states: { data: wave(batch * 77 * 768), dims: [batch, 77, 768] },
  };
  for (let done = 0; done < 2; done += batch) await unet.run(feeds);
  return { loadedGiB, peakGiB: peakGiB() };
}

function child(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, ...args], {
    encoding: 'utf8',
    env: process.env,
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === 'run512') return console.log(JSON.stringify(await run512(Number(arg))));
  if (mode === 'vae') return console.log(JSON.stringify(await vaeDecode(Number(arg), process.argv[4] === 'on')));
  if (mode === 'unet512') return console.log(JSON.stringify(await unet512(Number(arg))));
  if (!dir || !existsSync(join(dir, 'torch_peak.json'))) {
    console.log('skipped: set REAL_SD15_DIR to a folder made by');
    console.log('  /usr/bin/python3 scripts/make_sd15_random.py DIFFUSERS_SRC DIR');
    console.log('  /usr/bin/python3 scripts/make_sd15_folder.py DIFFUSERS_SRC DIR');
    return;
  }
  const torch = JSON.parse(readFileSync(join(dir, 'torch_peak.json'), 'utf8'));
  const gib = (mib: number) => (mib / 1024).toFixed(2);
  const fmt = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ');
  console.log(`512x512 SD 1.5 run, ${torch.steps} guided steps, fp32:`);
  console.log(`  PyTorch eager (${torch.threads} threads): peak RSS ${gib(torch.peak_rss_mib.run512)} GiB`);
  console.log(`  engine (onnxruntime cpu): ${fmt(child(['run512', String(torch.steps)]))}`);
  console.log('1024x1024 VAE decode (SDXL output size), fp32:');
  console.log(`  PyTorch eager: peak RSS ${gib(torch.peak_rss_mib.vae1024)} GiB`);
  for (const arena of ['on', 'off']) console.log(`  engine, arena ${arena}: ${fmt(child(['vae', '1024', arena]))}`);
  console.log('512x512 VAE decode, what the arena costs and saves (alternating):');
  for (const arena of ['on', 'off', 'off', 'on']) console.log(`  arena ${arena}: ${fmt(child(['vae', '512', arena]))}`);
  console.log('The UNet alone at 512x512, two rows (guidance), arena off:');
  for (const batch of ['2', '1']) console.log(`  batch ${batch}: ${fmt(child(['unet512', batch]))}`);
}

void main();
