// Requests sent together (EngineClient.generateTogether, as a sweep sends its cells of one model) run side
// by side with their UNet calls joined, and each makes the images it makes alone: other samplers, seeds,
// batch sizes, guidance (none included) and step counts beside it change nothing. A member that fails or is
// cancelled fails alone. Members that cannot go together run one after another.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateRequest, GenerateResult } from '../../../src/protocol/engine';
import { EngineError } from '../../../src/runs/engineClient';
import { model, request, startEngine } from './fixtures';

// A UNet that takes a timestep per row (Optimum 1.22's export), so members at different timesteps join.
const modelDir = model('tiny-sd15-o122');
const engine = startEngine();
after(() => engine.dispose());

const members: GenerateRequest[] = [
  request({ modelDir, seed: 5, batchSize: 2, toolSampler: { tool: 'a1111', sampler: 'Euler a' } }),
  request({ modelDir, seed: 9, guidanceScale: 3, scheduler: { _class_name: 'DDIMScheduler' } }),
  request({ modelDir, seed: 2, guidanceScale: 1, toolSampler: { tool: 'comfyui', sampler: 'dpmpp_2m' } }),
  request({ modelDir, seed: 7, steps: 2 }),
];

async function alone(): Promise<GenerateResult[]> {
  const results: GenerateResult[] = [];
  for (const r of members) results.push(await engine.generate(r));
  return results;
}

function assertSameImages(together: GenerateResult, own: GenerateResult, label: string): void {
  assert.equal(together.images.length, own.images.length, label);
  together.images.forEach((image, i) => assert.deepEqual(image.rgba, own.images[i].rgba, `${label}, image ${i}`));
}

test('members make the images each makes alone', async () => {
  const own = await alone();
  const together = await Promise.all(engine.generateTogether(members.map((r) => ({ request: r }))));
  together.forEach((r, k) => assertSameImages(r, own[k], `member ${k}`));
  // The last member makes fewer UNet calls (PNDM: 3 for 2 steps): the others go on without it.
  const calls = (rs: GenerateResult[]) => rs.map((r) => r.info.timings.unetRunMs.length);
  assert.deepEqual(calls(together), calls(own));
  assert.ok(calls(own)[3] < calls(own)[0]);
});

test('members of different model folders run one after another, each as alone', async () => {
  const other = request({ seed: 4 });
  const own = [await engine.generate(members[1]), await engine.generate(other)];
  const together = await Promise.all(engine.generateTogether([{ request: members[1] }, { request: other }]));
  together.forEach((r, k) => assertSameImages(r, own[k], `member ${k}`));
});

test('a member refused or cancelled fails alone; the others finish as they would alone', async () => {
  const own = await alone();
  const abort = new AbortController();
  const sent = engine.generateTogether([
    { request: members[0] },
    { request: request({ modelDir, width: 30 }) },
    { request: members[1], signal: abort.signal, onStep: (e) => e.step === 1 && abort.abort() },
    { request: members[2] },
  ]);
  const [first, refused, cancelled, last] = await Promise.allSettled(sent);
  assert.equal(refused.status === 'rejected' && (refused.reason as EngineError).code, 'BAD_REQUEST');
  assert.equal(cancelled.status === 'rejected' && (cancelled.reason as EngineError).code, 'CANCELLED');
  assert.ok(first.status === 'fulfilled' && last.status === 'fulfilled');
  assertSameImages(first.value, own[0], 'first');
  assertSameImages(last.value, own[2], 'last');
});
