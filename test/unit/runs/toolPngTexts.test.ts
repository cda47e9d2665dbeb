// "Re-run from Image" on PNG text made by A1111's and ComfyUI's own formatting code
// (test/fixtures/reference/infotext/tool_png_texts.json, from gen_tool_png_texts.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { restoreFromPngText } from '../../../src/runs/runRecord';

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/reference/infotext/tool_png_texts.json'), 'utf8'),
);

for (const { run, parameters } of fixture.a1111) {
  test(`A1111's infotext restores as A1111's sampler: ${run.sampler} ${run.scheduler}`, () => {
    const r = restoreFromPngText({ parameters })!;
    assert.equal(r.source, 'a1111');
    assert.deepEqual(r.spec, {
      prompt: run.prompt,
      negativePrompt: run.negative,
      seed: run.seed,
      steps: run.steps,
      guidanceScale: run.cfg,
      width: run.width,
      height: run.height,
      toolSampler: { tool: 'a1111', sampler: run.sampler, schedule: run.scheduler },
    });
    assert.deepEqual(r.model, { name: 'v1-5-pruned-emaonly', hash: '6ce0161689' });
    assert.equal(r.notes?.some((n) => /RNG GPU/.test(n)) ?? false, run.rng === 'GPU');
  });
}

for (const { run, prompt } of fixture.comfyui) {
  test(`ComfyUI's prompt graph restores as ComfyUI's sampler: seed ${run.seed}`, () => {
    const r = restoreFromPngText({ prompt })!;
    assert.equal(r.source, 'comfyui');
    assert.deepEqual(r.spec, {
      prompt: run.text,
      negativePrompt: run.negative ?? 'bad hands',
      seed: run.seed,
      steps: run.steps ?? 20,
      guidanceScale: run.cfg ?? 8,
      width: run.width ?? 512,
      height: run.height ?? 512,
      toolSampler: { tool: 'comfyui', sampler: run.sampler_name ?? 'euler', schedule: run.scheduler ?? 'normal' },
    });
    assert.deepEqual(r.model, { name: 'v1-5-pruned-emaonly' });
    assert.equal(r.notes, undefined);
  });
}

test('a ComfyUI graph with a prompt from another node, two KSamplers or denoise < 1 says so', () => {
  const graph = JSON.parse(fixture.comfyui[0].prompt);
  graph['6'].inputs.text = ['10', 0];
  graph['3'].inputs.denoise = 0.6;
  graph['11'] = { class_type: 'KSampler', inputs: { ...graph['3'].inputs } };
  const r = restoreFromPngText({ prompt: JSON.stringify(graph) })!;
  assert.equal(r.spec.prompt, '');
  assert.deepEqual(r.notes, [
    'the graph has 2 KSamplers; read the first',
    "the positive prompt does not come from a CLIPTextEncode's text",
    'denoise 0.6 needs an input image; ran as 1',
  ]);
  assert.equal(restoreFromPngText({ prompt: '{"1": {"class_type": "SaveImage", "inputs": {}}}' }), undefined);
  assert.equal(restoreFromPngText({ prompt: 'not json' }), undefined);
  const unknown = JSON.parse(fixture.comfyui[0].prompt);
  unknown['3'].inputs.sampler_name = 'res_multistep';
  assert.equal(restoreFromPngText({ prompt: JSON.stringify(unknown) })!.unknownSampler, 'res_multistep');
});

test("a ComfyUI img2img graph restores denoise as the strength and names LoadImage's file", () => {
  // ComfyUI's img2img example: LoadImage → VAEEncode (with the checkpoint's VAE) → KSampler's latent_image.
  const graph = JSON.parse(fixture.comfyui[0].prompt);
  delete graph['5'];
  graph['10'] = { class_type: 'LoadImage', inputs: { image: 'cat.png', upload: 'image' } };
  graph['11'] = { class_type: 'VAEEncode', inputs: { pixels: ['10', 0], vae: ['4', 2] } };
  graph['3'].inputs.latent_image = ['11', 0];
  graph['3'].inputs.denoise = 0.6;
  const r = restoreFromPngText({ prompt: JSON.stringify(graph) })!;
  assert.equal(r.spec.strength, 0.6);
  assert.deepEqual([r.spec.width, r.spec.height], [undefined, undefined], "the image's size, not a latent's");
  assert.deepEqual(r.notes, ['it started from "cat.png" (ComfyUI\'s LoadImage): choose that image to run from it']);
  // A VAEEncode of something other than a LoadImage names no file and keeps the strength out.
  graph['11'].inputs.pixels = ['12', 0];
  const other = restoreFromPngText({ prompt: JSON.stringify(graph) })!;
  assert.equal(other.spec.strength, undefined);
  assert.deepEqual(other.notes, ['denoise 0.6 needs an input image; ran as 1']);
});
