// Providers that cannot start are told from a 92-byte probe model, not from the model folder's UNet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readModelFolder } from '../../../src/modelFolder/modelFolder';
import { loadSessions } from '../../../src/engine/modelSessions';
import { providerFailure } from '../../../src/engine/providerProbe';
import { autoProviders } from '../../../src/engine/providers';
import { model } from './fixtures';

test('cpu needs no probe; a provider is probed once per process', async () => {
  assert.equal(await providerFailure('cpu'), undefined);
  assert.equal(providerFailure('webgpu'), providerFailure('webgpu'));
});

test("'auto' falls back past a provider that fails its probe without opening the folder's models on it", async () => {
  const s = await loadSessions(readModelFolder(model('tiny-sd')), 'auto');
  await Promise.all([s.unet, s.textEncoder, s.vaeDecoder].flatMap((m) => (m ? [m.release()] : [])));
  const failing: string[] = [];
  for (const p of autoProviders()) if (await providerFailure(p)) failing.push(p);
  // Every fallback is a provider whose probe failed (here: WebGPU without an adapter, when listed).
  assert.deepEqual(
    s.providerFallbacks.map((f) => f.provider),
    failing,
  );
  assert.equal(
    s.provider,
    autoProviders().find((p) => !failing.includes(p)),
  );
});
