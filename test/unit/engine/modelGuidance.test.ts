// A model folder's recommended guidance and steps (`_diffusion_lab.guidance_scale` and `.steps` in
// model_index.json) are used when a request names none; a request's own value wins; a bad value is
// refused, naming the file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineError } from '../../../src/runs/engineClient';
import { readModelFolder } from '../../../src/modelFolder/modelFolder';
import { readPngText } from '../../../src/png/pngText';
import { executeRun, prepareRun } from '../../../src/runs/executeRun';
import { defaultModelDir } from '../../../src/runs/enginePaths';
import { copyModel, maxDiff, model, request, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

/** A copy of tiny-sd whose model_index.json carries `_diffusion_lab: lab`. */
function withLab(lab: unknown): string {
  const dir = copyModel('tiny-sd');
  const file = join(dir, 'model_index.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), _diffusion_lab: lab }));
  return dir;
}

test("a request without guidance runs at the model's recommended scale", async () => {
  const dir = withLab({ guidance_scale: 3 });
  const req = request({ modelDir: dir, guidanceScale: undefined });
  const omitted = await executeRun(engine, prepareRun(req.spec), req.options);
  const explicit = await engine.generate(request({ modelDir: dir, guidanceScale: 3 }));
  const other = await engine.generate(request({ modelDir: dir, guidanceScale: 7.5 }));
  assert.equal(omitted.info.spec.guidanceScale, 3);
  assert.equal(maxDiff(omitted.images[0].rgba, explicit.images[0].rgba), 0);
  // The scale really changes the image, so equality above means 3 was used.
  assert.ok(maxDiff(omitted.images[0].rgba, other.images[0].rgba) > 0);
  assert.match(readPngText(omitted.images[0].png).parameters, /CFG scale: 3,/);
});

test("a request's own guidance wins over the model's", async () => {
  const r = await engine.generate(request({ modelDir: withLab({ guidance_scale: 3 }), guidanceScale: 5 }));
  assert.equal(r.info.spec.guidanceScale, 5);
});

test('a model without a recommendation runs at diffusers’ 7.5', async () => {
  const r = await engine.generate(request({ modelDir: model('tiny-sd'), guidanceScale: undefined }));
  assert.equal(r.info.spec.guidanceScale, 7.5);
  assert.equal(readModelFolder(withLab({})).guidanceScale, undefined);
});

test('0 is a recommendation: guidance off, as the Turbo model cards state it', async () => {
  const r = await engine.generate(request({ modelDir: withLab({ guidance_scale: 0 }), guidanceScale: undefined }));
  assert.equal(r.info.spec.guidanceScale, 0);
});

test('a bad recommendation is refused naming model_index.json and the value', async () => {
  for (const [lab, shown] of [
    [{ guidance_scale: -1 }, '-1'],
    [{ guidance_scale: '3' }, '"3"'],
    [{ guidance_scale: null }, 'null'],
    [3, '3'],
  ] as const) {
    const dir = withLab(lab);
    await assert.rejects(engine.generate(request({ modelDir: dir, guidanceScale: 4 })), (e: EngineError) => {
      assert.equal(e.code, 'MODEL_INVALID', e.message);
      assert.ok(e.message.includes(join(dir, 'model_index.json')), e.message);
      assert.ok(e.message.includes(`not ${shown}`), e.message);
      return true;
    });
  }
});

test('the shipped default model recommends the guidance its card measured best (3) and 20 steps', () => {
  assert.equal(readModelFolder(defaultModelDir()).guidanceScale, 3);
  assert.equal(readModelFolder(defaultModelDir()).steps, 20);
});

test("a request without steps runs the model's recommended count; its own count wins", async () => {
  const recommended = await engine.generate(request({ modelDir: withLab({ steps: 3 }), steps: undefined }));
  assert.equal(recommended.info.spec.steps, 3);
  assert.ok(recommended.info.family?.defaulted.includes('steps'));
  assert.equal((await engine.generate(request({ modelDir: withLab({ steps: 3 }), steps: 2 }))).info.spec.steps, 2);
  assert.equal(readModelFolder(withLab({})).steps, undefined);
});

test('a bad recommended step count is refused naming model_index.json and the value', async () => {
  for (const [steps, shown] of [
    [0, '0'],
    [2.5, '2.5'],
    ['20', '"20"'],
  ] as const) {
    const dir = withLab({ steps });
    await assert.rejects(engine.generate(request({ modelDir: dir })), (e: EngineError) => {
      assert.equal(e.code, 'MODEL_INVALID', e.message);
      assert.ok(e.message.includes(join(dir, 'model_index.json')), e.message);
      const expected = `"_diffusion_lab.steps" must be a whole number from 1 to 1000, not ${shown}`;
      assert.ok(e.message.includes(expected), e.message);
      return true;
    });
  }
});
