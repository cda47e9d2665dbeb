// The workbench's image-input messages as the host checks them (untrusted webview input) and the
// shared rule for the typed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORM_KEYS, parseFromWorkbench } from '../../../src/protocol/workbench';
import { imageSettings, validateImageInput } from '../../../src/protocol/workbenchImage';
import type { ParamsForm } from '../../../src/protocol/workbench';

const form = Object.fromEntries(FORM_KEYS.map((k) => [k, '1'])) as unknown as ParamsForm;
const image = {
  initImageId: 'abc-1',
  mode: 'inpaint',
  strength: '0.5',
  maskBlur: '4',
  maskedContent: 'latent noise',
  inpaintArea: 'only masked',
  maskPadding: '8',
  inpaintNode: 'InpaintModelConditioning',
  growMaskBy: '6',
  mask: Uint8Array.of(1, 2),
};

test('generate carries a well-formed image input; a malformed one drops the message', () => {
  assert.deepEqual(parseFromWorkbench({ type: 'generate', form, image }), { type: 'generate', form, image });
  for (const bad of [
    { ...image, initImageId: '../etc/passwd' },
    { ...image, mode: 'outpaint' },
    { ...image, strength: 5 },
    { ...image, mask: [1, 2] },
    { ...image, maskedContent: 'smudge' },
    { ...image, maskedContent: undefined },
    { ...image, inpaintArea: 'masked' },
    { ...image, maskPadding: 8 },
    { ...image, inpaintNode: 'LatentCompositeMasked' },
    { ...image, growMaskBy: 6 },
    { ...image, inpaintNode: undefined },
  ]) {
    assert.equal(parseFromWorkbench({ type: 'generate', form, image: bad }), undefined, JSON.stringify(bad));
  }
});

test('image messages: pick, drop, use a run image, pick a mask', () => {
  assert.deepEqual(parseFromWorkbench({ type: 'pickInitImage' }), { type: 'pickInitImage' });
  const drop = { type: 'dropInitImage', name: 'a.png', bytes: Uint8Array.of(1) };
  assert.deepEqual(parseFromWorkbench(drop), drop);
  assert.equal(parseFromWorkbench({ ...drop, bytes: 'x' }), undefined);
  assert.deepEqual(parseFromWorkbench({ type: 'useRunImage', runId: 'r1', index: 2, generate: true }), {
    type: 'useRunImage',
    runId: 'r1',
    index: 2,
    generate: true,
  });
  assert.equal(parseFromWorkbench({ type: 'useRunImage', runId: 'r1', index: -1 }), undefined);
  assert.deepEqual(parseFromWorkbench({ type: 'pickMask', initImageId: 'abc' }), {
    type: 'pickMask',
    initImageId: 'abc',
  });
  assert.equal(parseFromWorkbench({ type: 'pickMask' }), undefined);
});

test('strength is checked in [0, 1] except for inversion; inpainting needs a mask', () => {
  const typed = {
    initImageId: 'a',
    mode: 'img2img' as const,
    strength: '0.75',
    maskBlur: '4',
    maskedContent: 'original' as const,
    inpaintArea: 'whole picture' as const,
    maskPadding: '32',
    inpaintNode: 'SetLatentNoiseMask' as const,
    growMaskBy: '6',
  };
  assert.deepEqual(validateImageInput(typed), { fields: { strength: 0.75 }, errors: {} });
  assert.deepEqual(validateImageInput({ ...typed, strength: '' }).errors, {
    strength: 'Strength must be a number from 0 to 1.',
  });
  assert.deepEqual(validateImageInput({ ...typed, strength: '-0.1' }).errors, {
    strength: 'Strength must be a number from 0 to 1, not "-0.1".',
  });
  assert.deepEqual(validateImageInput({ ...typed, mode: 'invert', strength: 'x' }).fields, { invert: true });
  assert.deepEqual(Object.keys(validateImageInput({ ...typed, mode: 'inpaint' }).errors), ['mask']);
  assert.deepEqual(Object.keys(validateImageInput({ ...typed, initImageId: '' }).errors), ['initImage']);
});

test("inpainting passes A1111's masked content on when it is not original; other modes never", () => {
  const typed = {
    initImageId: 'a',
    strength: '0.75',
    maskBlur: '4',
    mask: new Uint8Array(1),
    inpaintArea: 'whole picture' as const,
    maskPadding: '32',
    inpaintNode: 'SetLatentNoiseMask' as const,
    growMaskBy: '6',
  };
  const inpaint = { ...typed, mode: 'inpaint' as const };
  assert.deepEqual(validateImageInput({ ...inpaint, maskedContent: 'latent noise' }).fields, {
    strength: 0.75,
    maskBlur: 4,
    maskedContent: 'latent noise',
  });
  assert.deepEqual(validateImageInput({ ...inpaint, maskedContent: 'original' }).fields, {
    strength: 0.75,
    maskBlur: 4,
  });
  const img2img = { ...typed, mode: 'img2img' as const, maskedContent: 'latent nothing' as const };
  assert.deepEqual(validateImageInput(img2img).fields, { strength: 0.75 });
  // ComfyUI's InpaintModelConditioning goes on too (the default node does not), only when inpainting.
  const conditioned = { maskedContent: 'original' as const, inpaintNode: 'InpaintModelConditioning' as const };
  assert.deepEqual(validateImageInput({ ...inpaint, ...conditioned }).fields, {
    strength: 0.75,
    maskBlur: 4,
    inpaintNode: 'InpaintModelConditioning',
  });
  assert.deepEqual(validateImageInput({ ...typed, mode: 'img2img', ...conditioned }).fields, { strength: 0.75 });
  // VAEEncodeForInpaint takes its grow_mask_by, whole pixels from 0 to 64.
  const forInpaint = { maskedContent: 'original' as const, inpaintNode: 'VAEEncodeForInpaint' as const };
  assert.deepEqual(validateImageInput({ ...inpaint, ...forInpaint, growMaskBy: '9' }).fields, {
    strength: 0.75,
    maskBlur: 4,
    inpaintNode: 'VAEEncodeForInpaint',
    growMaskBy: 9,
  });
  assert.deepEqual(validateImageInput({ ...inpaint, ...forInpaint, growMaskBy: '2.5' }).errors, {
    growMaskBy: 'Grow mask by must be whole pixels.',
  });
  assert.deepEqual(validateImageInput({ ...inpaint, ...forInpaint, growMaskBy: '65' }).errors, {
    growMaskBy: 'Grow mask by must be a number from 0 to 64, not "65".',
  });
  assert.deepEqual(validateImageInput({ ...inpaint, ...conditioned, growMaskBy: 'x' }).errors, {}, 'other nodes');
});

test("a restored run's image fields become the section's settings", () => {
  assert.deepEqual(imageSettings({ initImage: 'a.png', strength: 0.4 }), {
    mode: 'img2img',
    strength: '0.4',
    maskBlur: '4',
    maskedContent: 'original',
    inpaintArea: 'whole picture',
    maskPadding: '32',
    inpaintNode: 'SetLatentNoiseMask',
    growMaskBy: '6',
  });
  assert.deepEqual(imageSettings({ initImage: 'a.png', mask: 'm.png', maskBlur: 0, maskedContent: 'latent nothing' }), {
    mode: 'inpaint',
    strength: '0.75',
    maskBlur: '0',
    maskedContent: 'latent nothing',
    inpaintArea: 'whole picture',
    maskPadding: '32',
    inpaintNode: 'SetLatentNoiseMask',
    growMaskBy: '6',
  });
  const node = imageSettings({ initImage: 'a.png', mask: 'm.png', inpaintNode: 'InpaintModelConditioning' });
  assert.equal(node.inpaintNode, 'InpaintModelConditioning');
  const grown = imageSettings({ initImage: 'a.png', mask: 'm.png', inpaintNode: 'VAEEncodeForInpaint', growMaskBy: 3 });
  assert.deepEqual([grown.inpaintNode, grown.growMaskBy], ['VAEEncodeForInpaint', '3']);
  const area = imageSettings({ initImage: 'a.png', mask: 'm.png', inpaintArea: 'only masked', maskPadding: 8 });
  assert.deepEqual([area.inpaintArea, area.maskPadding], ['only masked', '8']);
  assert.equal(imageSettings({ initImage: 'a.png', invert: true }).mode, 'invert');
});
