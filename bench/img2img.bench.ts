// Image-to-image overhead (issue 11): a run from an init image (VAE encode, add_noise, the cut
// schedule) against a text-to-image run taking the same number of denoising steps, as the ratio of
// their engine totals; the encoder's own time beside it. Warm engine, CPU provider unless
// BENCH_PROVIDER says otherwise, the best of alternating runs (on shared cores the median swings with
// the other processes' load; the best run is the cost itself). Nothing is asserted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec, type RunSpec } from '../src/protocol/run';
import type { GenerateRequest, GenerateResult, ProviderName, RgbaPixels } from '../src/protocol/engine';
import { EngineClient } from '../src/runs/engineClient';
import { defaultModelDir, engineEntry } from '../src/runs/enginePaths';

const DENOISING_STEPS = 20;
const RUNS = 9;
const provider = (process.env.BENCH_PROVIDER ?? 'cpu') as ProviderName;
// The default model at its 64x64, and SD 1.5's layout (diffusers' AutoencoderKL, tiny widths) at 256x256.
const models: [string, number | undefined][] = [
  [defaultModelDir(), undefined],
  [join(__dirname, '..', 'test', 'fixtures', 'models', 'tiny-sd15'), 256],
].filter(([d]) => existsSync(join(d as string, 'vae_encoder', 'model.onnx'))) as [string, number | undefined][];

const best = (xs: number[]) => Math.min(...xs);

async function bench(engine: EngineClient, modelDir: string, size: number | undefined): Promise<void> {
  const prompt = 'a green circle at the top left on a blue background';
  const base = { modelDir, prompt, seed: 1, width: size, height: size };
  const request = (spec: Partial<RunSpec>, init?: RgbaPixels): GenerateRequest => ({
    spec: runSpec({ ...base, ...spec, scheduler: { _class_name: 'DDIMScheduler' } }),
    options: { provider },
    images: init && { init },
  });
  const first = await engine.generate(request({ steps: DENOISING_STEPS }));
  const init = first.images[0];
  // Both cut to the same denoising steps: strength 1 keeps the full schedule; 0.5 of twice the steps.
  const variants: [string, GenerateRequest][] = [
    ['text-to-image', request({ steps: DENOISING_STEPS })],
    ['img2img, strength 1', request({ steps: DENOISING_STEPS, initImage: 'init.png', strength: 1 }, init)],
    ['img2img, strength 0.5 of 40', request({ steps: 2 * DENOISING_STEPS, initImage: 'i.png', strength: 0.5 }, init)],
  ];
  for (const [, req] of variants) await engine.generate(req); // warm up, encoder loaded
  const results = new Map<string, GenerateResult[]>(variants.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, req] of variants) results.get(name)!.push(await engine.generate(req));
  }
  const bestOf = (name: string, of: (r: GenerateResult) => number) => best(results.get(name)!.map(of));
  const total = (name: string) => bestOf(name, (r) => r.info.timings.totalMs);
  // Time outside the UNet calls: what image-to-image adds (encoder, add_noise) shows here, apart from
  // the UNet's run-to-run spread on a shared machine.
  const unet = (r: GenerateResult) => r.info.timings.unetRunMs.reduce((a, b) => a + b, 0);
  const outside = (name: string) => bestOf(name, (r) => r.info.timings.totalMs - unet(r));
  const text = total('text-to-image');
  const info = first.info;
  const shown = `${info.spec.width}x${info.spec.height}`;
  const about = `${DENOISING_STEPS} denoising steps, provider ${info.provider}; best of ${RUNS}`;
  console.log(`\n${info.model.name} (${shown}, ${about})`);
  const textOutside = outside('text-to-image').toFixed(1);
  console.log(`  ${'text-to-image'.padEnd(29)} ${text.toFixed(1)} ms, outside the UNet ${textOutside} ms`);
  for (const [name] of variants.slice(1)) {
    const encoder = bestOf(name, (r) => r.info.timings.vaeEncoderMs ?? 0);
    const ratio = (total(name) / text).toFixed(3);
    const extra = `outside the UNet ${outside(name).toFixed(1)} ms, encoder ${encoder.toFixed(1)} ms`;
    console.log(`  ${name.padEnd(29)} ${total(name).toFixed(1)} ms: ${ratio}× (target ≤ 1.2×); ${extra}`);
  }
}

async function main(): Promise<void> {
  const engine = new EngineClient({ ...engineEntry() });
  try {
    for (const [dir, size] of models) await bench(engine, dir, size);
  } finally {
    engine.dispose();
  }
}

void main();
