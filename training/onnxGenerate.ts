// Many prompts through the ONNX pipeline in one engine process (what `diffusion-lab generate` runs,
// without a process and session load per image), for training/evaluate.py.
//   node --import tsx training/onnxGenerate.ts <jobs.json> <outDir>
// jobs.json: { modelDir, steps, guidanceScale, jobs: [{ prompt, seed }] } → <outDir>/<i>.png
import { runSpec } from '../src/protocol/run';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EngineClient } from '../src/runs/engineClient';
import { engineEntry } from '../src/runs/enginePaths';

interface Jobs {
  modelDir: string;
  steps: number;
  guidanceScale: number;
  jobs: { prompt: string; seed: number }[];
}

async function main(jobsFile: string, outDir: string): Promise<void> {
  const spec = JSON.parse(readFileSync(jobsFile, 'utf8')) as Jobs;
  mkdirSync(outDir, { recursive: true });
  const engine = new EngineClient({ ...engineEntry(), log: (level, m) => level === 'error' && console.error(m) });
  try {
    for (const [i, job] of spec.jobs.entries()) {
      const { prompt, seed } = job;
      const { steps, guidanceScale } = spec;
      const result = await engine.generate({
        spec: runSpec({ modelDir: resolve(spec.modelDir), prompt, seed, steps, guidanceScale }),
        options: { provider: 'cpu' },
      });
      writeFileSync(join(outDir, `${i}.png`), result.images[0].png);
    }
  } finally {
    engine.dispose();
  }
}

const [jobsFile, outDir] = process.argv.slice(2);
if (!jobsFile || !outDir) {
  console.error('usage: node --import tsx training/onnxGenerate.ts <jobs.json> <outDir>');
  process.exit(2);
}
main(jobsFile, outDir).catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
