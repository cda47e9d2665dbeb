// The workbench's image inputs on the host: registered init images (a chosen file keeps its path,
// bytes from the panel are kept once under their hash), and the conversion of the panel's image input
// into RunSpec fields, with the errors named by field (bad files, a mask of another size, strength).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { checkRunSpec, runSpec } from '../../../../src/protocol/run';
import { InitImages } from '../../../../src/extension/workbench/initImages';
import { readRunInputs } from '../../../../src/runs/inputImages';

const root = mkdtempSync(join(tmpdir(), 'dl-init-images-'));

function png(width: number, height: number, value = 128): Uint8Array {
  const data = new Uint8Array(width * height * 3).fill(value);
  return encodePng({ width, height, data, channels: 3, depth: 8 });
}

function fresh(): { images: InitImages; dir: string } {
  const dir = mkdtempSync(join(root, 'store-'));
  return { images: new InitImages(join(dir, 'inputs')), dir };
}

const input = {
  mode: 'img2img' as const,
  strength: '0.6',
  maskBlur: '4',
  maskedContent: 'original' as const,
  inpaintArea: 'whole picture' as const,
  maskPadding: '32',
  inpaintNode: 'SetLatentNoiseMask' as const,
  growMaskBy: '6',
};

test('a chosen file keeps its own path; strength becomes the spec field', async () => {
  const { images } = fresh();
  const path = join(root, 'red.png');
  writeFileSync(path, png(16, 8));
  const info = await images.fromFile(path);
  assert.deepEqual([info.label, info.width, info.height, info.mime], ['red.png', 16, 8, 'image/png']);
  const result = await images.specFields({ ...input, initImageId: info.id });
  assert.deepEqual(result, { fields: { initImage: path, strength: 0.6 } });
});

test('dropped bytes are kept once under their hash, and the run reads them back', async () => {
  const { images, dir } = fresh();
  const bytes = png(8, 8, 40);
  const a = await images.fromBytes('dropped.png', bytes);
  const b = await images.fromBytes('again.png', bytes);
  assert.notEqual(a.id, b.id);
  const kept = readdirSync(join(dir, 'inputs'));
  assert.equal(kept.length, 1, 'the same bytes are written once');
  const result = await images.specFields({ ...input, initImageId: a.id });
  assert.ok('fields' in result);
  assert.deepEqual(readFileSync(result.fields.initImage!), Buffer.from(bytes));
  const spec = runSpec({ modelDir: '/m', prompt: 'p', ...result.fields });
  assert.deepEqual(checkRunSpec(spec), []);
  assert.equal((await readRunInputs(spec))?.files.initImage?.width, 8);
});

test('a painted mask becomes a file of its own, checked against the image size', async () => {
  const { images } = fresh();
  const info = await images.fromBytes('init.png', png(16, 16));
  const mask = png(16, 16, 255);
  const result = await images.specFields({ ...input, mode: 'inpaint', initImageId: info.id, mask });
  assert.ok('fields' in result);
  const { initImage, mask: maskPath, maskBlur, strength } = result.fields;
  assert.deepEqual([maskBlur, strength], [4, 0.6]);
  assert.notEqual(maskPath, initImage);
  assert.deepEqual(readFileSync(maskPath!), Buffer.from(mask));
  const spec = runSpec({ modelDir: '/m', prompt: 'p', ...result.fields });
  assert.deepEqual(checkRunSpec(spec), []);
  assert.equal((await readRunInputs(spec))?.files.mask?.height, 16);

  const wrong = await images.specFields({ ...input, mode: 'inpaint', initImageId: info.id, mask: png(8, 16) });
  assert.deepEqual(wrong, { errors: { mask: 'The mask is 8×16 but the init image is 16×16.' } });
  const garbage = await images.specFields({ ...input, mode: 'inpaint', initImageId: info.id, mask: Uint8Array.of(1) });
  assert.ok('errors' in garbage && /mask could not be read/.test(garbage.errors.mask!));
  const none = await images.specFields({ ...input, mode: 'inpaint', initImageId: info.id });
  assert.ok('errors' in none && /Paint the part to repaint/.test(none.errors.mask!));
  // Inpaint area "only masked" gives the area and its padding; the padding must be whole pixels in range.
  const area = { ...input, mode: 'inpaint' as const, initImageId: info.id, mask, inpaintArea: 'only masked' as const };
  const only = await images.specFields({ ...area, maskPadding: '8' });
  assert.ok('fields' in only);
  assert.deepEqual([only.fields.inpaintArea, only.fields.maskPadding], ['only masked', 8]);
  assert.deepEqual(await images.specFields({ ...area, maskPadding: '2.5' }), {
    errors: { maskPadding: 'Padding must be whole pixels.' },
  });
  assert.deepEqual(await images.specFields({ ...area, maskPadding: '300' }), {
    errors: { maskPadding: 'Padding must be a number from 0 to 256, not "300".' },
  });
  const whole = await images.specFields({ ...input, mode: 'inpaint', initImageId: info.id, mask, maskPadding: 'x' });
  assert.ok('fields' in whole && whole.fields.inpaintArea === undefined, 'whole picture reads no padding');
});

test('inversion gives invert and no strength; bad strength and blur are named', async () => {
  const { images } = fresh();
  const info = await images.fromBytes('init.png', png(8, 8));
  const path = await images.specFields({ ...input, initImageId: info.id });
  const inverted = await images.specFields({ ...input, mode: 'invert', strength: 'x', initImageId: info.id });
  assert.ok('fields' in path);
  assert.deepEqual(inverted, { fields: { initImage: path.fields.initImage, invert: true } });
  const mask = png(8, 8);
  const bad = await images.specFields({
    ...input,
    mode: 'inpaint',
    strength: '1.5',
    maskBlur: '-1',
    initImageId: info.id,
    mask,
  });
  assert.deepEqual(bad, {
    errors: {
      strength: 'Strength must be a number from 0 to 1, not "1.5".',
      maskBlur: 'Mask blur must be a number from 0 to 64, not "-1".',
    },
  });
  const unknown = await images.specFields({ ...input, initImageId: 'gone' });
  assert.ok('errors' in unknown && /no longer loaded/.test(unknown.errors.initImage!));
});

test('a file that is not an image, an empty one and a missing one are refused by name', async () => {
  const { images } = fresh();
  const text = join(root, 'notes.txt');
  writeFileSync(text, 'hello');
  await assert.rejects(images.fromFile(text), /notes\.txt cannot be used as an image: not a PNG or JPEG file/);
  await assert.rejects(images.fromBytes('empty.png', new Uint8Array(0)), /empty\.png is empty$/);
  await assert.rejects(images.fromFile(join(root, 'missing.png')), /missing\.png does not exist$/);
});

test('a mask file of another size than the init image is refused', async () => {
  const { images } = fresh();
  const info = await images.fromBytes('init.png', png(16, 16));
  assert.equal(await images.checkMask(info.id, 'm.png', png(16, 16)), 'image/png');
  await assert.rejects(
    () => images.checkMask(info.id, 'm.png', png(16, 8)),
    /mask m\.png is 16×8 but the init image is 16×16/,
  );
});
