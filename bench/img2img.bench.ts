// Image-to-image overhead (issue 11): a run from an init image (VAE encode, add_noise, the cut
// schedule) against a text-to-image run taking the same number of denoising steps, as the ratio of
// their engine totals; the encoder's own time beside it. Warm engine, CPU provider unless
// BENCH_PROVIDER says otherwise, medians of alternating runs. Nothing is asserted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec, type RunSpec } from '../src/protocol/run';
import type { GenerateRequest, GenerateResult, ProviderName, RgbaPixels } from '../src/protocol/engine';
import { EngineClient } from '../src/runs/engineClient';
import { defaultModelDir, engineEntry } from '../src/runs/enginePaths';

const DENOISING_STEPS = 20;
const RUNS = 7;
const provider = (process.env.BENCH_PROVIDER ?? 'cpu') as ProviderName;
// The default model at its 64x64, and SD 1.5's layout (diffusers' AutoencoderKL, tiny widths) at 256x256.
const models: [string, number | undefined][] = [
  [defaultModelDir(), undefined],
  [join(__dirname, '..', 'test', 'fixtures', 'models', 'tiny-sd15'), 256],
].filter(([d]) => existsSync(join(d as string, 'vae_encoder', 'model.onnx'))) as [string, number | undefined][];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
    ['img2img, strength 0.5 of 40', request({ steps: 2 * DENOISING_STEPS, initImage: 'init.png', strength: 0.5 }, init)],
  ];
  for (const [, req] of variants) await engine.generate(req); // warm up, encoder loaded
  const results = new Map<string, GenerateResult[]>(variants.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, req] of variants) results.get(name)!.push(await engine.generate(req));
  }
  const total = (name: string) => median(results.get(name)!.map((r) => r.info.timings.totalMs));
  const text = total('text-to-image');
  const info = first.info;
  const shown = `${info.spec.width}x${info.spec.height}`;
  console.log(`\n${info.model.name} (${shown}, ${DENOISING_STEPS} denoising steps, provider ${info.provider}; median of ${RUNS})`);
  console.log(`  text-to-image                 ${text.toFixed(1)} ms`);
  for (const [name] of variants.slice(1)) {
    const runs = results.get(name)!;
    const encoder = median(runs.map((r) => r.info.timings.vaeEncoderMs ?? 0));
    const steps = runs[0].info.timings.unetStepMs.length;
    const ratio = (total(name) / text).toFixed(3);
    console.log(`  ${name.padEnd(29)} ${total(name).toFixed(1)} ms (${steps} steps, encoder ${encoder.toFixed(1)} ms): ${ratio}× (target ≤ 1.2×)`);
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
