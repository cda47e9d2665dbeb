// The image fields of a run spec: each needs what it works on, and every problem names its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRunSpec, runSpec, type RunSpec } from '../../../src/protocol/run';

const problems = (fields: Partial<RunSpec>) => checkRunSpec(runSpec({ modelDir: '/m', prompt: 'x', ...fields }));

test('image fields within their limits pass', () => {
  assert.deepEqual(problems({ initImage: '/a.png', strength: 0, mask: '/m.png', maskBlur: 64 }), []);
  assert.deepEqual(problems({ initImage: '/a.png', strength: 1 }), []);
  assert.deepEqual(problems({ initImage: '/a.png', invert: true }), []);
});

test('each image field is refused alone, out of range, or with what it does not combine with', () => {
  const cases: [Partial<RunSpec>, keyof RunSpec, RegExp][] = [
    [{ initImage: '' }, 'initImage', /init image must be a file path/],
    [{ initImage: '/a.png', strength: -0.1 }, 'strength', /strength must be a number from 0 to 1, not -0\.1/],
    [{ initImage: '/a.png', strength: Number.NaN }, 'strength', /strength must be a number from 0 to 1, not NaN/],
    [{ strength: 0.5 }, 'strength', /strength needs an init image/],
    [{ mask: '/m.png' }, 'mask', /mask needs an init image/],
    [{ invert: true }, 'invert', /invert needs an init image/],
    [{ initImage: '/a.png', maskBlur: 4 }, 'maskBlur', /mask blur needs a mask/],
    [{ initImage: '/a.png', mask: '/m.png', maskBlur: 65 }, 'maskBlur', /mask blur must be a number from 0 to 64/],
    [{ initImage: '/a.png', mask: '/m.png', invert: true }, 'invert', /inversion takes no mask/],
    [{ initImage: '/a.png', sigmas: [14, 1, 0] }, 'sigmas', /do not combine with an init image/],
    [
      { initImage: '/a.png', subseed: 3, subseedStrength: 0.5 },
      'subseed',
      /variation seed does not combine with an init image/,
    ],
  ];
  for (const [fields, field, message] of cases) {
    const found = problems(fields);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0].field, field);
    assert.match(found[0].message, message);
  }
});

test('a class without add_noise (IPNDM) is refused where the image is surely noised: a strength between 0 and 1', () => {
  const ipndm = { _class_name: 'IPNDMScheduler' };
  assert.deepEqual(
    problems({ initImage: '/a.png', scheduler: ipndm }).map((p) => [p.field, p.message]),
    [['scheduler', 'IPNDMScheduler has no add_noise in diffusers: image runs need another scheduler']],
  );
  assert.equal(problems({ initImage: '/a.png', strength: 0.3, scheduler: ipndm }).length, 1);
  // Strength 0 noises nothing; at 1 it depends on the UNet, which the engine checks; inversion runs DDIM.
  for (const fields of [{ strength: 0 }, { strength: 1 }, { invert: true }])
    assert.deepEqual(problems({ initImage: '/a.png', scheduler: ipndm, ...fields }), []);
  assert.deepEqual(problems({ initImage: '/a.png', scheduler: { _class_name: 'DDIMScheduler' } }), []);
});

test("A1111's masked content: with a mask and an A1111 sampler; fill and unknown values refused by name", () => {
  const inpaint = { initImage: '/a.png', mask: '/m.png', toolSampler: { tool: 'a1111' as const, sampler: 'Euler a' } };
  assert.deepEqual(problems({ ...inpaint, maskedContent: 'latent noise' }), []);
  assert.deepEqual(problems({ ...inpaint, maskedContent: 'latent nothing' }), []);
  assert.deepEqual(problems({ initImage: '/a.png', maskedContent: 'original' }), []);
  const message = (fields: Partial<RunSpec>) => problems(fields).find((p) => p.field === 'maskedContent')?.message;
  assert.equal(message({ initImage: '/a.png', maskedContent: 'latent noise' }), 'masked content needs a mask');
  assert.equal(
    message({ ...inpaint, toolSampler: undefined, maskedContent: 'latent nothing' }),
    `masked content "latent nothing" is A1111's: pick an A1111 sampler`,
  );
  const comfy = { tool: 'comfyui' as const, sampler: 'euler', schedule: 'normal' };
  assert.match(message({ ...inpaint, toolSampler: comfy, maskedContent: 'latent noise' })!, /pick an A1111 sampler/);
  const area = (fields: Partial<RunSpec>) => problems(fields).find((p) => p.field === 'inpaintArea')?.message;
  assert.deepEqual(problems({ ...inpaint, inpaintArea: 'only masked', maskPadding: 0 }), []);
  assert.deepEqual(problems({ ...inpaint, inpaintArea: 'whole picture' }), []);
  assert.equal(area({ initImage: '/a.png', inpaintArea: 'only masked' }), 'inpaint area "only masked" needs a mask');
  assert.match(area({ ...inpaint, toolSampler: undefined, inpaintArea: 'only masked' })!, /pick an A1111 sampler/);
  assert.match(
    area({ ...inpaint, inpaintArea: 'masked' as RunSpec['inpaintArea'] })!,
    /must be one of "whole picture"/,
  );
  const padding = (fields: Partial<RunSpec>) => problems(fields).find((p) => p.field === 'maskPadding')?.message;
  assert.equal(padding({ ...inpaint, maskPadding: 8 }), 'mask padding needs inpaint area "only masked"');
  assert.match(padding({ ...inpaint, inpaintArea: 'only masked', maskPadding: 300 })!, /from 0 to 256, not 300/);
  assert.deepEqual(problems({ ...inpaint, maskedContent: 'fill' }), []);
  assert.match(
    message({ ...inpaint, maskedContent: 'noise' as RunSpec['maskedContent'] })!,
    /must be one of "fill", "original"/,
  );
});

test("ComfyUI's inpaint node: InpaintModelConditioning or VAEEncodeForInpaint with a mask and a ComfyUI sampler", () => {
  const comfy = { tool: 'comfyui' as const, sampler: 'euler', schedule: 'normal' };
  const inpaint = { initImage: '/a.png', mask: '/m.png', toolSampler: comfy };
  assert.deepEqual(problems({ ...inpaint, inpaintNode: 'InpaintModelConditioning' }), []);
  assert.deepEqual(problems({ initImage: '/a.png', inpaintNode: 'SetLatentNoiseMask' }), []);
  const node = (fields: Partial<RunSpec>) => problems(fields).find((p) => p.field === 'inpaintNode')?.message;
  const conditioned = { inpaintNode: 'InpaintModelConditioning' as const };
  assert.equal(node({ initImage: '/a.png', ...conditioned }), 'inpaint node InpaintModelConditioning needs a mask');
  assert.equal(
    node({ ...inpaint, toolSampler: { tool: 'a1111', sampler: 'Euler a' }, ...conditioned }),
    "inpaint node InpaintModelConditioning is ComfyUI's: pick a ComfyUI sampler",
  );
  assert.match(
    node({ ...inpaint, inpaintNode: 'LatentCompositeMasked' as RunSpec['inpaintNode'] })!,
    /must be one of "SetLatentNoiseMask", "InpaintModelConditioning", "VAEEncodeForInpaint", not "LatentCompositeMasked"/,
  );
  // VAEEncodeForInpaint's grow_mask_by: whole pixels from 0 to 64, and only with that node.
  const forInpaint = { ...inpaint, inpaintNode: 'VAEEncodeForInpaint' as const };
  assert.deepEqual(problems({ ...forInpaint, growMaskBy: 0 }), []);
  assert.deepEqual(problems({ ...forInpaint, growMaskBy: 64 }), []);
  const grow = (fields: Partial<RunSpec>) => problems(fields).find((p) => p.field === 'growMaskBy')?.message;
  assert.match(grow({ ...forInpaint, growMaskBy: 65 })!, /grow mask by must be a number from 0 to 64, not 65/);
  assert.equal(grow({ ...forInpaint, growMaskBy: 2.5 }), 'grow mask by must be whole pixels, not 2.5');
  assert.equal(grow({ ...inpaint, growMaskBy: 6 }), 'grow mask by needs inpaint node VAEEncodeForInpaint');
});
