// RunSpec.eta through the engine: it reaches diffusers' step(eta=) of DDIM (η) and TCD (γ), and the limits
// and the tool-sampler refusal hold. On the committed tiny model, through the engine process.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { maxDiff, request, startEngine } from './fixtures';

const engine = startEngine();
after(() => engine.dispose());

async function image(className: string, eta?: number): Promise<Uint8Array> {
  const r = await engine.generate(request({ scheduler: { _class_name: className }, eta }));
  return r.images[0].rgba;
}

test("TCD's γ: absent is the step default 0.3; 0 is another (deterministic) image", async () => {
  const byDefault = await image('TCDScheduler');
  assert.deepEqual(await image('TCDScheduler', 0.3), byDefault);
  assert.ok(maxDiff(await image('TCDScheduler', 0), byDefault) > 0);
});

test("DDIM's η: absent is 0; 1 draws DDPM-like noise", async () => {
  const byDefault = await image('DDIMScheduler');
  assert.deepEqual(await image('DDIMScheduler', 0), byDefault);
  assert.ok(maxDiff(await image('DDIMScheduler', 1), byDefault) > 0);
});

test('eta outside 0..1, or with a tool sampler, is refused naming it', async () => {
  await assert.rejects(engine.generate(request({ eta: 1.5 })), /eta must be a number from 0 to 1/);
  const tool = request({ eta: 0.5, toolSampler: { tool: 'comfyui', sampler: 'euler', schedule: 'normal' } });
  await assert.rejects(engine.generate(tool), /tool samplers take none/);
});
