// A tool run's noise drawn on the noise worker (toolNoiseAhead.ts) is the noise sampler's on the engine
// thread, value for value, whatever the engine asks ahead: ancestral draws (A1111's and ComfyUI's) taken
// after a prefetch, without one, with a prefetch no call takes, twice after one, and past the draws made at
// once (which the engine takes without a message to the worker); Brownian-tree draws (DPM++ 2M SDE's) at
// the prefetched σ pair and at another one; a batch; and a draw of the wrong size is refused.
import { after, before, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import type { NoiseSampler } from '../../../src/core/kdiffusion/denoiser';
import { noiseSamplerFor } from '../../../src/core/kdiffusion/toolRun';
import { isToolFinding, resolveToolSampler } from '../../../src/core/kdiffusion/toolSamplers';
import type { NoiseRunSpec } from '../../../src/core/noise/conventions';
import type { ToolSamplerSpec } from '../../../src/protocol/run';
import { prepareNoiseWorker, readyNoiseWorker } from '../../../src/engine/noiseAhead';
import { toolNoiseAhead } from '../../../src/engine/toolNoiseAhead';

const SIGMAS = [14.6, 8.1, 4.2, 2.0, 0.9, 0.3, 0];
const ended: (() => void)[] = [];

before(async () => {
  prepareNoiseWorker();
  const deadline = Date.now() + 20_000;
  while (!readyNoiseWorker()) {
    if (Date.now() > deadline) throw new Error('the noise worker did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});
after(() => ended.forEach((end) => end()));

/** The same sampler on the worker (ahead) and on this thread (reference). */
function pair(names: ToolSamplerSpec, noise: NoiseRunSpec): { ahead: NoiseSampler; reference: NoiseSampler } {
  const r = resolveToolSampler(names.tool, names.sampler, names.schedule);
  if (isToolFinding(r)) throw new Error(r.message);
  const ahead = toolNoiseAhead(readyNoiseWorker()!, r, names, noise, SIGMAS);
  ended.push(() => ahead.end());
  return { ahead, reference: noiseSamplerFor(r, noise, SIGMAS)! };
}

/** Runs `calls` on both: ['ahead', σ, σ_next] is a prefetch, ['draw', σ, σ_next] a call whose values must agree. */
function agree(
  { ahead, reference }: { ahead: NoiseSampler; reference: NoiseSampler },
  size: number,
  calls: ['ahead' | 'draw', number, number][],
): void {
  calls.forEach(([kind, sigma, next], k) => {
    if (kind === 'ahead') {
      ahead.prefetch!(sigma, next);
      reference.prefetch?.(sigma, next);
      return;
    }
    const got = ahead(sigma, next, new Float32Array(size));
    const want = reference(sigma, next, new Float32Array(size));
    assert.deepEqual(got, want, `call ${k}: ${kind} ${sigma} → ${next}`);
    assert.ok(
      got.some((v) => v !== 0),
      'real noise',
    );
  });
}

const spec = (convention: 'a1111' | 'comfyui', batchSize = 1): NoiseRunSpec => ({
  convention,
  seed: 42,
  imageShape: [4, 8, 8],
  batchSize,
});

test('ancestral draws: taken after a prefetch, without one, past an untaken one, and twice after one', () => {
  for (const [names, noise] of [
    [{ tool: 'a1111', sampler: 'Euler a' }, spec('a1111')],
    [{ tool: 'comfyui', sampler: 'euler_ancestral', schedule: 'normal' }, spec('comfyui')],
    [{ tool: 'a1111', sampler: 'Euler a' }, spec('a1111', 3)],
  ] as const) {
    agree(pair(names, noise), 256 * noise.batchSize, [
      ['ahead', 14.6, 8.1],
      ['draw', 14.6, 8.1],
      ['draw', 8.1, 4.2],
      ['ahead', 4.2, 2.0],
      ['ahead', 2.0, 0.9],
      ['draw', 2.0, 0.9],
      ['ahead', 0.9, 0.3],
      ['draw', 0.9, 0.3],
      ['draw', 0.9, 0.3],
    ]);
  }
});

test('the ancestral draws the σ list leads one to expect are made at once: taking them posts nothing', () => {
  const names = { tool: 'a1111', sampler: 'Euler a' } as const;
  const r = resolveToolSampler(names.tool, names.sampler);
  if (isToolFinding(r)) throw new Error(r.message);
  const worker = readyNoiseWorker()!;
  const posted: string[] = [];
  const counting = { postMessage: (m: { type: string }) => (posted.push(m.type), worker.postMessage(m)) };
  const ahead = toolNoiseAhead(counting as unknown as Worker, r, names, spec('a1111'), SIGMAS);
  ended.push(() => ahead.end());
  const reference = noiseSamplerFor(r, spec('a1111'), SIGMAS)!;
  // SIGMAS steps into five σ > 0: five draws at once, then one on demand.
  for (let k = 0; k < 6; k++) {
    const [sigma, next] = [SIGMAS[Math.min(k, 5)], SIGMAS[Math.min(k + 1, 6)]];
    ahead.prefetch!(sigma, next);
    assert.deepEqual(ahead(sigma, next, new Float32Array(256)), reference(sigma, next, new Float32Array(256)));
    assert.deepEqual(posted, k < 5 ? ['toolStart'] : ['toolStart', 'toolDraw'], `draw ${k + 1}`);
  }
});

test('Brownian-tree draws: at the prefetched σ pair, at another, and in between', () => {
  const names = { tool: 'a1111', sampler: 'DPM++ 2M SDE', schedule: 'Karras' } as const;
  agree(pair(names, spec('a1111', 2)), 512, [
    ['ahead', 14.6, 8.1],
    ['draw', 14.6, 8.1],
    ['ahead', 8.1, 4.2],
    ['draw', 8.1, 6.0],
    ['draw', 6.0, 4.2],
    ['ahead', 4.2, 2.0],
    ['draw', 4.2, 2.0],
  ]);
});

test('a draw of another size than the run is refused', () => {
  const { ahead } = pair({ tool: 'a1111', sampler: 'Euler a' }, spec('a1111'));
  assert.throws(() => ahead(14.6, 8.1, new Float32Array(10)), /out has 10 values, the run needs 256/);
});
