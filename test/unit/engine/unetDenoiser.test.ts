// The tool samplers' D(x, σ) on the UNet (unetDenoiser.ts): guidance and x̂0 in one fused float32 pass for
// ε-, v- and x0-prediction give what guide() and the formulas give in float64 to float32's precision, and the
// same rms; guidance rescale and an unguided run take the plain path; a NaN in the output is refused naming σ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSessions } from '../../../src/engine/modelSessions';
import { guide } from '../../../src/engine/guidance';
import {
  denoiserBuffers,
  denoiseWithUnet,
  type PredictionType,
  type UnetDenoiser,
} from '../../../src/engine/unetDenoiser';

const SHAPE = [2, 4, 6, 6];
const N = SHAPE.reduce((a, b) => a * b, 1);
const SIGMA = 3.7;

/** A UNet that answers every call with `output` ([uncond, text] halves when guided). */
function denoiser(output: Float32Array, prediction: PredictionType, guided: boolean, rescale = 0): UnetDenoiser {
  const unet = {
    fixedBatch: () => undefined,
    input: () => ({ name: 'timestep', type: 'float32', shape: ['batch'] }),
    run: () => Promise.resolve({ out_sample: { data: output.slice(), dims: [output.length / (N / 2), 4, 6, 6] } }),
  };
  const s = { unet, unetLatentChannels: 4, folder: { files: { unet: 'stub' } } } as unknown as ModelSessions;
  const hidden = { data: new Float32Array((guided ? 4 : 2) * 3 * 8), shape: [guided ? 4 : 2, 3, 8] };
  return {
    s,
    text: { hidden, uncond: guided ? hidden : undefined } as unknown as UnetDenoiser['text'],
    added: {},
    guidanceScale: 7.5,
    guidanceRescale: rescale,
    prediction,
    latentShape: SHAPE,
    timestep: () => 500,
    buffers: denoiserBuffers(SHAPE, guided),
  };
}

const values = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k + 0.3) * 2);

/** x̂0 in float64 from the estimate m, as toX0 writes it. */
function x0Of(prediction: PredictionType, x: Float32Array, m: Float32Array): Float32Array {
  const s2 = SIGMA * SIGMA + 1;
  return x.map((v, i) =>
    prediction === 'sample'
      ? m[i]
      : prediction === 'epsilon'
        ? v - SIGMA * m[i]
        : v / s2 - (SIGMA / Math.sqrt(s2)) * m[i],
  );
}

test('guided: the fused pass gives guide() and x̂0 to float32 precision, and its rms', async () => {
  const [x, out] = [values(N, 0.7), values(2 * N, 1.3)];
  for (const prediction of ['epsilon', 'v_prediction', 'sample'] as const) {
    const d = denoiser(out, prediction, true);
    assert.ok(d.buffers.fused, 'a guided run takes the fused kernels');
    const x0 = new Float32Array(N);
    const { outputNorm } = await denoiseWithUnet(d, x, SIGMA, x0);
    const estimate = guide(out, 7.5, 0, SHAPE[0]);
    const want = x0Of(prediction, x, estimate.eps);
    const worst = Math.max(...want.map((v, i) => Math.abs(v - x0[i]) / Math.max(1, Math.abs(v))));
    assert.ok(worst < 1e-5, `${prediction}: x̂0 off by ${worst}`);
    assert.ok(Math.abs(outputNorm - estimate.rms) < 1e-5 * estimate.rms, `${prediction}: rms ${outputNorm}`);
    d.buffers.release();
  }
});

test('guidance rescale and an unguided run take the plain path, value for value', async () => {
  const x = values(N, 0.7);
  const out = values(2 * N, 1.3);
  const rescaled = denoiser(out, 'epsilon', true, 0.7);
  const x0 = new Float32Array(N);
  await denoiseWithUnet(rescaled, x, SIGMA, x0);
  assert.deepEqual(x0, Float32Array.from(x0Of('epsilon', x, guide(out, 7.5, 0.7, SHAPE[0]).eps)));
  const single = values(N, 1.9);
  const plain = denoiser(single, 'epsilon', false);
  assert.equal(plain.buffers.fused, undefined);
  await denoiseWithUnet(plain, x, SIGMA, x0);
  assert.deepEqual(x0, Float32Array.from(x0Of('epsilon', x, single)));
});

test('a NaN in the UNet output is refused, naming σ, fused or not', async () => {
  for (const guided of [true, false]) {
    const out = values((guided ? 2 : 1) * N, 1.3);
    out[5] = NaN;
    await assert.rejects(
      denoiseWithUnet(denoiser(out, 'epsilon', guided), values(N, 0.7), SIGMA, new Float32Array(N)),
      {
        code: 'NAN_OUTPUT',
        message: /NaN or Inf at σ 3\.7/,
      },
    );
  }
});
