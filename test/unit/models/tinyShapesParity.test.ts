// Parity: the engine's ONNX pipeline reproduces the PyTorch reference sampler of training/sample.py
// (same networks, DDIM schedule, guidance and torch.Generator noise) to 1e-3, on outputs that
// training/parity.py stored from the checkpoint the ONNX files were exported from.
import { runSpec } from '../../../src/protocol/run';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { startEngine } from '../engine/fixtures';

interface Case {
  prompt: string;
  seed: number;
  steps: number;
  guidance: number;
  latentShape: number[];
  latents: string;
  imageShape: number[];
  image: string;
}

const fixture: { tolerance: number; cases: Case[] } = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'reference.json'), 'utf8'));
const engine = startEngine();
after(() => engine.dispose());

function floats(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const c of fixture.cases) {
  test(`ONNX pipeline = PyTorch reference: "${c.prompt}", seed ${c.seed}, ${c.steps} steps, guidance ${c.guidance}`, async () => {
    const r = await engine.generate({
      spec: runSpec({ modelDir: defaultModelDir(), prompt: c.prompt, seed: c.seed, steps: c.steps, guidanceScale: c.guidance }),
      options: { provider: 'cpu', returnTensors: true },
    });
    const t = r.tensors!;
    assert.deepEqual(t.latentShape, c.latentShape);
    assert.deepEqual(t.imageShape, c.imageShape);
    const dl = maxAbsDiff(t.latents, floats(c.latents));
    const di = maxAbsDiff(t.image, floats(c.image));
    assert.ok(dl <= fixture.tolerance, `latents differ by ${dl}`);
    assert.ok(di <= fixture.tolerance, `image differs by ${di}`);
  });
}
