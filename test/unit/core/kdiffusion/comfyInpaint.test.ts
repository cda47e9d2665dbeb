// ComfyUI's inpainting against its own code (gen_kdiffusion_fixtures.py `inpaint`: KSamplerX0Inpaint around
// five samplers, Karras σ, 4 and 10 steps, denoise 0.75 and 1, on the stand-in model): the mask resized to
// the latents as comfy.utils.reshape_mask does, then every model call's σ, the noise draws and the whole
// final latent (the kept region is the init latents, the repainted one the sampler's), within the
// tolerance of the other trajectories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  comfyConcatMask,
  comfyGrownMask,
  comfyLatentMask,
  comfyMaskedPixels,
} from '../../../../src/core/kdiffusion/comfyInpaint';
import { prepareToolRun, sampleToolRun } from '../../../../src/core/kdiffusion/toolRun';
import { resolveComfy, type ResolvedToolSampler } from '../../../../src/core/kdiffusion/toolSamplers';
import { ldmAlphasCumprod } from '../../../../src/core/kdiffusion/sigmaTable';
import { TorchGenerator } from '../../../../src/core/rng/torchGenerator';
import { assertClose, countingNoise, loadFixture, SHAPE, standIn } from './fixtures';

const TOL = 1e-4;
const alphasCumprod = ldmAlphasCumprod();
const fixture = loadFixture('comfyui');
/** 0.8·torch.randn(SHAPE, generator seeded 5), as the generator made it. */
const initLatents = () => new TorchGenerator(5).randn(SHAPE).map((v) => 0.8 * v);

/** The generator's 64×64 mask: nothing in the top 16 rows; below, 0 left of column 20, a ramp to 1 at 36. */
function pixelMask(): Float32Array {
  const mask = new Float32Array(64 * 64);
  for (let y = 16; y < 64; y++) for (let x = 0; x < 64; x++) mask[y * 64 + x] = Math.min(1, Math.max(0, (x - 20) / 16));
  return mask;
}

const latentMask = () => comfyLatentMask(pixelMask(), 64, 64, SHAPE[3], SHAPE[2]);
const noise = (tool: 'comfyui') => ({ convention: tool, seed: 0, imageShape: SHAPE.slice(1), batchSize: 1 });

test("the mask at the latents' size is ComfyUI's bilinear resize", () => {
  assert.deepEqual(Array.from(latentMask()), fixture.inpaintMask);
  // A ×8 downsize samples the middle four pixels of each cell; one of another size takes its nearest ones.
  assert.deepEqual(Array.from(comfyLatentMask(Float32Array.from([0, 1, 1, 0]), 4, 1, 2, 1)), [0.5, 0.5]);
});

test("ComfyUI's samplers inpaint as KSamplerX0Inpaint: every call, draw and latent", () => {
  assert.equal(fixture.inpaint.length, 20);
  const mask = latentMask();
  for (const c of fixture.inpaint) {
    const label = `comfyui inpaint ${c.sampler}/${c.scheduler}/${c.steps} at ${c.strength}`;
    const r = resolveComfy(c.sampler, c.scheduler) as ResolvedToolSampler;
    const init = { latents: initLatents(), strength: c.strength, mask };
    const run = prepareToolRun({ resolved: r, alphasCumprod, steps: c.steps, noise: noise('comfyui'), init });
    assertClose(run.sigmas, c.sigmas, TOL, `${label} σ`);
    const calls: number[] = [];
    const draws = countingNoise();
    const out = sampleToolRun({ ...run, options: { ...run.options, noiseSampler: draws.sampler } }, standIn(calls));
    assertClose(calls, c.calls, TOL, `${label} model-call σ`);
    if (r.sampler.noise !== 'none') assert.equal(draws.draws(), c.noiseDraws, `${label}: noise draws`);
    assertClose(out, c.xAll, TOL, `${label} x`);
  }
});

test('a mask of another size is refused', () => {
  const init = { latents: initLatents(), strength: 0.75, mask: latentMask() };
  const comfy = resolveComfy('euler', 'karras') as ResolvedToolSampler;
  assert.throws(
    () =>
      prepareToolRun({
        resolved: comfy,
        alphasCumprod,
        steps: 10,
        noise: noise('comfyui'),
        init: { ...init, mask: new Float32Array(10) },
      }),
    /the inpainting mask has 10 values, not one per latent cell \(8×8\)/,
  );
});

test("a 9-channel UNet's mask channel: the resized mask rounded half to even, as torch rounds it", () => {
  // gen_comfy_concat_mask.py: reshape_mask's interpolate, then concat_cond's round(), with torch's own ops.
  const path = join(__dirname, '../../../fixtures/reference/kdiffusion/comfy_concat_mask.json');
  const ref = JSON.parse(readFileSync(path, 'utf8')) as { mask: number[]; resized: number[]; rounded: number[] };
  const resized = comfyLatentMask(Float32Array.from(ref.mask), 64, 64, 8, 8);
  assert.deepEqual(Array.from(resized), ref.resized);
  // Three cells are exactly 0.5 (a hard edge through their middle): torch keeps them, as Math.round would not.
  assert.equal(ref.resized.filter((v) => v === 0.5).length, 3);
  assert.deepEqual(Array.from(comfyConcatMask(resized)), ref.rounded);
});

test("InpaintModelConditioning's masked image: grey (0) where the mask rounds to 1, half to even; every plane", () => {
  const mask = Float32Array.from([0, 0.5, 0.5000001, 1]);
  const pixels = Float32Array.from([0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4, 1, 1, 1, 1]);
  assert.deepEqual(
    Array.from(comfyMaskedPixels(pixels, mask)),
    [0.1, 0.2, 0, 0, -0.1, -0.2, 0, 0, 1, 1, 0, 0].map(Math.fround),
  );
});

test("VAEEncodeForInpaint's noise mask: rounded, grown by the node's conv2d window, rounded, for six grows", () => {
  // gen_comfy_grow_mask.py: the node's own torch ops, grow_mask_by 0, 1, 2, 5, 6 and 9.
  const path = join(__dirname, '../../../fixtures/reference/kdiffusion/comfy_grow_mask.json');
  const ref = JSON.parse(readFileSync(path, 'utf8')) as {
    width: number;
    height: number;
    mask: number[];
    grown: Record<string, number[]>;
  };
  assert.deepEqual(Object.keys(ref.grown), ['0', '1', '2', '5', '6', '9']);
  for (const [grow, expected] of Object.entries(ref.grown)) {
    const grown = comfyGrownMask(Float32Array.from(ref.mask), ref.width, ref.height, Number(grow));
    assert.deepEqual(Array.from(grown), expected, `grow ${grow}`);
  }
  // The ramp's 0.5 rounds to 0 and stays out of an ungrown mask.
  assert.equal(ref.mask[8], 0.5);
  assert.equal(ref.grown['0'][8], 0);
});
