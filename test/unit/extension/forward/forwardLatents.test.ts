// The forward view's latent-space requests on the host: the view's image, key, seed and levels go to
// the engine with the configured model; an answer or a failure (named) comes back for that request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ForwardLatents, type LatentEngine } from '../../../../src/extension/forward/forwardLatents';
import type { ForwardLatentRequest } from '../../../../src/protocol/engine';
import { parseForwardMessage } from '../../../../src/protocol/forward';

const image = { label: 'card.png', width: 2, height: 1, rgba: new Uint8Array(8).fill(9) };
const levels = [{ signal: 0.6, noise: 0.8 }];

test('the engine gets the image, its key, the seed and levels with the configured model', async () => {
  const asked: ForwardLatentRequest[] = [];
  const picture = { width: 2, height: 1, rgba: new Uint8Array(8) };
  const engine: LatentEngine = {
    forwardLatent: (r) => {
      asked.push(r);
      return Promise.resolve({ images: [picture], previews: [picture], latentShape: [1, 4, 1, 1] });
    },
  };
  const latents = new ForwardLatents(engine, () => ({ dir: '/models/tiny-sd15', provider: 'cpu' }));
  const answer = await latents.answer(image, 'file:///card.png#1', { type: 'latent', request: 7, seed: 3, levels });
  assert.deepEqual(asked, [
    {
      modelDir: '/models/tiny-sd15',
      provider: 'cpu',
      image: { width: 2, height: 1, rgba: image.rgba },
      imageKey: 'file:///card.png#1',
      seed: 3,
      levels,
    },
  ]);
  assert.deepEqual(answer, {
    type: 'latentFrames',
    request: 7,
    model: 'tiny-sd15',
    images: [picture],
    previews: [picture],
  });
});

test('an engine failure or an unusable model setting comes back as latentFailed for that request', async () => {
  const failing: LatentEngine = { forwardLatent: () => Promise.reject(new Error('no vae_encoder/model.onnx')) };
  const a = await new ForwardLatents(failing, () => ({ dir: '/m', provider: 'cpu' })).answer(image, 'k', {
    type: 'latent',
    request: 1,
    seed: 0,
    levels,
  });
  assert.deepEqual(a, { type: 'latentFailed', request: 1, message: 'no vae_encoder/model.onnx' });
  const noModel = () => {
    throw new Error('diffusionLab.modelPath is relative');
  };
  const b = await new ForwardLatents(failing, noModel).answer(image, 'k', {
    type: 'latent',
    request: 2,
    seed: 0,
    levels,
  });
  assert.deepEqual(b, { type: 'latentFailed', request: 2, message: 'diffusionLab.modelPath is relative' });
});

test('latent messages from the view are checked: request, seed and 1 to 16 levels in [0, 1]', () => {
  const good = { type: 'latent', request: 1, seed: 5, levels };
  assert.deepEqual(parseForwardMessage(good), good);
  const refusal = (m: object) => {
    const parsed = parseForwardMessage(m);
    return typeof parsed === 'string' ? parsed : 'accepted';
  };
  assert.match(refusal({ ...good, seed: -1 }), /bad seed/);
  assert.match(refusal({ ...good, levels: [] }), /1 to 16 levels/);
  assert.match(refusal({ ...good, levels: [{ signal: 2, noise: 0 }] }), /in \[0, 1\]/);
  assert.match(refusal({ ...good, request: 'x' }), /request number/);
});
