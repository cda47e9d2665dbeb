// Float16 exports (scripts/make_fp16_models.py: the family fixtures with every float weight, constant and
// value in float16) run on the CPU provider, which casts to float32 around operators it has no float16
// kernel for; the run says so, and its image is the float32 folder's up to float16 rounding.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateResult } from '../../../src/protocol/engine';
import { runSpec } from '../../../src/protocol/run';
import { maxDiff, model, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

function generate(folder: string): Promise<GenerateResult> {
  const spec = runSpec({ modelDir: model(folder), prompt: 'a red circle', seed: 3, steps: 4 });
  return engine.generate({ spec, options: { provider: 'cpu', returnTensors: true } });
}

const note = (r: GenerateResult) => r.info.warnings.find((w) => w.includes('float16 on the CPU provider'));

for (const folder of ['tiny-sd15', 'tiny-sdxl']) {
  test(`${folder}-fp16 runs on CPU, says so, and matches ${folder} to float16 rounding`, async () => {
    const [full, half] = [await generate(folder), await generate(`${folder}-fp16`)];
    assert.equal(note(full), undefined);
    const said = note(half);
    assert.ok(said, `no float16 note in ${JSON.stringify(half.info.warnings)}`);
    for (const part of ['unet', 'text_encoder', 'vae_decoder']) assert.ok(said.includes(`${part}/model.onnx`), part);
    assert.match(said, /export the model in float32 for CPU runs/);
    const a = full.tensors!.latents;
    const b = half.tensors!.latents;
    const scale = Math.max(...a.map(Math.abs));
    const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    // float16 keeps 11 significant bits (relative step 2^-11 ≈ 4.9e-4); four steps through every layer.
    assert.ok(worst > 0 && worst < 1e-2 * scale, `latents differ by ${worst} (largest ${scale})`);
    assert.ok(maxDiff(full.images[0].rgba, half.images[0].rgba) <= 4, 'images differ by more than 4 levels');
  });
}
