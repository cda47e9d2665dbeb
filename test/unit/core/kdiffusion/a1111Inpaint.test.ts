// A1111's inpainting against its own code (gen_kdiffusion_fixtures.py A1111Blend: the lines of
// StableDiffusionProcessingImg2Img.init that make the latent mask with PIL, CFGDenoiser.forward's apply_blend
// and sample()'s blend, around KDiffusionSampler.sample_img2img for five samplers at Karras σ and around
// CompVisSampler.sample_img2img for DDIM, PLMS and UniPC, whose blend comes before the model call; 4 and 10
// steps, strength 0.75 and 1, on the stand-in model): the resized mask before and after rounding, then every
// model call's σ, the noise draws, three calls' outputs and the whole final latent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  a1111InpaintConditioning,
  a1111LatentMask,
  a1111MaskedContent,
  a1111Overlay,
} from '../../../../src/core/kdiffusion/a1111Inpaint';
import { initialNoise } from '../../../../src/core/noise/initialNoise';
import { pilResize } from '../../../../src/core/image/pilResize';
import { prepareToolRun, sampleToolRun } from '../../../../src/core/kdiffusion/toolRun';
import { resolveA1111, resolveComfy, type ResolvedToolSampler } from '../../../../src/core/kdiffusion/toolSamplers';
import { ldmAlphasCumprod } from '../../../../src/core/kdiffusion/sigmaTable';
import { TorchGenerator } from '../../../../src/core/rng/torchGenerator';
import { assertClose, countingNoise, loadFixture, SHAPE, standIn } from './fixtures';

const TOL = 1e-4;
const alphasCumprod = ldmAlphasCumprod();
const fixture = loadFixture('a1111');
/** 0.8·torch.randn(SHAPE, generator seeded 5), as the generator made it. */
const initLatents = () => new TorchGenerator(5).randn(SHAPE).map((v) => 0.8 * v);
const pixels = Uint8Array.from(fixture.inpaintMask as number[]);
const latentMask = () => a1111LatentMask(pixels, 64, 64, SHAPE[3], SHAPE[2]);
const noise = { convention: 'a1111' as const, seed: 0, imageShape: SHAPE.slice(1), batchSize: 1 };

test("the mask at the latents' size is PIL's bicubic resize, rounded as A1111 rounds it", () => {
  assert.deepEqual(
    Array.from(pilResize(pixels, 64, 64, SHAPE[3], SHAPE[2], 'bicubic')),
    fixture.inpaintLatentMask.unrounded,
  );
  assert.deepEqual(Array.from(latentMask()), fixture.inpaintLatentMask.rounded);
  // The fixture's cells straddle the threshold: some round up, some down, none is all one way.
  const rounded = fixture.inpaintLatentMask.rounded as number[];
  assert.ok(rounded.includes(0) && rounded.includes(1));
});

test("A1111's samplers inpaint as its CFGDenoiser and sample() blend: every call, draw and latent", () => {
  assert.equal(fixture.inpaint.length, 32);
  const mask = latentMask();
  for (const c of fixture.inpaint) {
    const label = `a1111 inpaint ${c.sampler}/${c.scheduleType}/${c.steps} at ${c.strength}`;
    const r = resolveA1111(c.sampler, c.scheduleType) as ResolvedToolSampler;
    const init = { latents: initLatents(), strength: c.strength, mask };
    const run = prepareToolRun({ resolved: r, alphasCumprod, steps: c.steps, noise, init });
    assertClose(run.sigmas, c.sigmas, TOL, `${label} σ`);
    const calls: number[] = [];
    const outputs: Float32Array[] = [];
    const draws = countingNoise();
    const model = standIn(calls, outputs);
    const out = sampleToolRun({ ...run, options: { ...run.options, noiseSampler: draws.sampler } }, model);
    assertClose(calls, c.calls, TOL, `${label} model-call σ`);
    // The stored outputs are of kept cells: their inputs follow from the blended x̂0 of the calls before.
    for (const [k, expected] of Object.entries<number[]>(c.modelOutputs)) {
      assertClose(outputs[Number(k)].subarray(0, expected.length), expected, TOL, `${label} output of call ${k}`);
    }
    if (r.sampler.noise !== 'none') assert.equal(draws.draws(), c.noiseDraws, `${label}: noise draws`);
    assertClose(out, c.xAll, TOL, `${label} x`);
    // The kept cells end on the init latents exactly.
    const plane = mask.length;
    const latents = initLatents();
    for (let i = 0; i < out.length; i++) if (mask[i % plane] === 0) assert.equal(out[i], Math.fround(latents[i]));
  }
});

test("the overlay is A1111's apply_overlay, pixel for pixel: init pixels kept, decoded ones repainted", () => {
  const { size, decoded, init, mask, out } = fixture.overlay;
  const rgba = (rgb: number[]) =>
    Uint8Array.from({ length: size * size * 4 }, (_, i) => (i % 4 === 3 ? 255 : rgb[(i >> 2) * 3 + (i % 4)]));
  const composed = a1111Overlay(rgba(decoded), rgba(init), Uint8Array.from(mask));
  assert.deepEqual(
    Array.from(composed).filter((_, i) => i % 4 !== 3),
    out,
  );
  // The generator's mask keeps its first four rows whole and repaints the next four.
  const row = size * 3;
  assert.deepEqual(out.slice(0, 4 * row), init.slice(0, 4 * row));
  assert.deepEqual(out.slice(4 * row, 8 * row), decoded.slice(4 * row, 8 * row));
});

// Masked content (processing.py init, inpainting_fill 2 and 3): init·mask + create_random_tensors(seeds)·nmask,
// and init·mask. With A1111's rounded mask each cell is one or the other, so the values are exact.
test("masked content: latent noise puts the seed's noise in the masked cells, latent nothing zeros", () => {
  const [mask, latents, seedNoise] = [latentMask(), initLatents(), initialNoise(noise)];
  const filled = a1111MaskedContent(latents, mask, seedNoise, 'latent noise');
  const emptied = a1111MaskedContent(latents, mask, seedNoise, 'latent nothing');
  for (let i = 0; i < latents.length; i++) {
    const repaints = mask[i % mask.length] === 1;
    assert.equal(filled[i], repaints ? seedNoise[i] : latents[i]);
    assert.equal(Math.abs(emptied[i]), repaints ? 0 : Math.abs(latents[i]));
  }
  assert.equal(a1111MaskedContent(latents, mask, seedNoise, 'original'), latents);
});

test('a run from latent noise starts its masked cells at noise·(1 + σ₀), its kept cells as from original', () => {
  const [mask, latents, seedNoise] = [latentMask(), initLatents(), initialNoise(noise)];
  const base = { resolved: resolveA1111('Euler', 'Karras') as ResolvedToolSampler, alphasCumprod, steps: 10, noise };
  const original = prepareToolRun({ ...base, init: { latents, strength: 0.75, mask } });
  const filled = prepareToolRun({ ...base, init: { latents, strength: 0.75, mask, maskedContent: 'latent noise' } });
  const s0 = filled.sigmas[0];
  let repainted = 0;
  for (let i = 0; i < latents.length; i++) {
    if (mask[i % mask.length] === 0) assert.equal(filled.x[i], original.x[i]);
    else {
      assert.equal(filled.x[i], Math.fround(seedNoise[i] + seedNoise[i] * s0));
      repainted++;
    }
  }
  assert.ok(repainted > 0);
});

test('masked content other than original needs a mask and an A1111 sampler', () => {
  const [mask, latents] = [latentMask(), initLatents()];
  const maskedContent = 'latent nothing' as const;
  const comfy = resolveComfy('euler', 'karras') as ResolvedToolSampler;
  const euler = resolveA1111('Euler', 'Karras') as ResolvedToolSampler;
  const run = (resolved: ResolvedToolSampler, withMask: boolean) =>
    prepareToolRun({
      resolved,
      alphasCumprod,
      steps: 10,
      noise: { ...noise, convention: resolved.tool },
      init: { latents, strength: 0.75, maskedContent, ...(withMask && { mask }) },
    });
  assert.throws(() => run(comfy, true), /"latent nothing" is A1111's inpainting option/);
  assert.throws(() => run(euler, false), /needs a mask and an A1111 sampler/);
  assert.ok(run(euler, true).x.length === latents.length);
});

test("a 9-channel UNet's conditioning: masked pixels at 0, the rounded mask at each cell's top-left pixel", () => {
  // 16×8 pixels, 2×1 cells of 8×8. Cell 0's top-left pixel repaints, alone in its cell (a mean would keep
  // it); cell 1's does not (127: rounds to keep), though the rest of the cell repaints.
  const [w, h] = [16, 8];
  const mask = new Uint8Array(w * h);
  mask[0] = 128;
  for (let y = 0; y < h; y++) for (let x = 8; x < 16; x++) if (x > 8 || y > 0) mask[y * w + x] = 255;
  mask[8] = 127;
  const pixels = Float32Array.from({ length: 3 * w * h }, (_, i) => 0.5 - (i % 7) / 10);
  const { masked, latentMask } = a1111InpaintConditioning(pixels, mask, [w, h], [2, 1]);
  assert.deepEqual(Array.from(latentMask), [1, 0]);
  for (let i = 0; i < pixels.length; i++) {
    const repaints = mask[i % (w * h)] >= 128;
    assert.equal(masked[i], repaints ? 0 : pixels[i], `value ${i}`);
  }
});
