// The UNet over a batch, in the batch size the graph takes (or at most the sessions' rows per call, two
// groups at once where a small UNet has its peer: unetPeer.ts), with its output's shape checked.
import type { Tensor } from '../core/tensor/tensor';
import type { AddedConditions } from './addedConditions';
import { rowsPadded } from './batchRows';
import { EngineFailure } from './engineFailure';
import type { ModelSessions } from './modelSessions';
import type { Output } from './onnxModel';

/** The UNet's output for `input` at timestep t, or a timestep per row (a UNet that takes one timestep per
 * batch row; unetLockstep.ts checks that); the guidance halves, when doubled, are batch rows;
 * `added`: the family's extra inputs, one row per batch row (addedConditions.ts). The output of several
 * calls is put together in `into` when given (a loop passes one buffer for all its steps), else in a new
 * array; one call's output comes back as onnxruntime returned it. */
export async function runUnet(
  s: ModelSessions,
  input: Tensor,
  t: number | Float32Array,
  hidden: Tensor | undefined,
  added: AddedConditions,
  into?: Float32Array,
): Promise<Float32Array> {
  const [n, ...rest] = input.shape;
  const fixed = s.unet.fixedBatch('sample');
  const per = fixed ?? Math.min(n, s.unetRowsPerCall?.(n) ?? n);
  const plane = input.data.length / n;
  const ctxPlane = hidden ? hidden.data.length / n : 0;
  const tInfo = s.unet.input('timestep');
  // Rows in the call from row b: a fixed batch is filled up, a free one takes what is left.
  const count = (b: number) => fixed ?? Math.min(per, n - b);
  // timestep: float rank 0 (Optimum), float [batch] (older script) or int64 [1] (old Hub exports).
  const tDims = (k: number) => (tInfo.shape.length === 0 ? [] : tInfo.shape[0] === 1 ? [1] : [k]);
  const feeds = (b: number): Parameters<typeof s.unet.run>[0] => {
    const k = count(b);
    return {
      sample: { data: rowsPadded(input.data, plane, b, k), dims: [k, ...rest] },
      timestep: { data: timesteps(t, b, tDims(k)[0] ?? 1), dims: tDims(k) },
      ...(hidden && {
        encoder_hidden_states: { data: rowsPadded(hidden.data, ctxPlane, b, k), dims: [k, ...hidden.shape.slice(1)] },
      }),
      ...Object.fromEntries(Object.entries(added).map(([name, x]) => [name, rows(x, n, b, k)])),
    };
  };
  // An inpainting UNet takes more channels than it returns: its output has the latents' channels.
  const outDims = (b: number) => [count(b), s.unetLatentChannels, ...rest.slice(1)];
  const outPlane = (plane / rest[0]) * s.unetLatentChannels;
  const checked = (b: number, result: Record<string, Output>) => checkedOutput(s, result, outDims(b)).data;
  // One call takes the whole batch: its output is the result, uncopied.
  if (per >= n) return checked(0, await s.unet.run(feeds(0))).subarray(0, n * outPlane);
  const out = into?.length === n * outPlane ? into : new Float32Array(n * outPlane);
  const place = (b: number, result: Record<string, Output>) =>
    out.set(checked(b, result).subarray(0, Math.min(per, n - b) * outPlane), b * outPlane);
  for (let b = 0; b < n; b += per) {
    if (s.unetPeer?.ready && b + per < n) {
      // Posted first, so the peer runs its group while this thread runs the next one.
      const [far, near] = await Promise.all([s.unetPeer.run(feeds(b)), s.unet.run(feeds(b + per))]);
      place(b, far);
      place(b + per, near);
      b += per;
    } else place(b, await s.unet.run(feeds(b)));
  }
  return out;
}

/** The timestep feed of the call from row b: k values, t itself, or rows b.. of a timestep per row (padded
 * as the sample is). */
function timesteps(t: number | Float32Array, b: number, k: number): Float32Array | number[] {
  return typeof t === 'number' ? new Array<number>(k).fill(t) : rowsPadded(t, 1, b, k);
}

/** Rows b..b+k of a tensor with one row per batch row (padded as the sample is). */
function rows(x: Tensor, n: number, b: number, k: number): { data: Float32Array; dims: number[] } {
  return { data: rowsPadded(x.data, x.data.length / n, b, k), dims: [k, ...x.shape.slice(1)] };
}

/** The UNet's out_sample, refused when its shape is not the latents' (its sample input's, but for the
 * channels of an inpainting UNet): a UNet that returns another shape would otherwise give a garbage
 * image without a word. */
function checkedOutput(s: ModelSessions, result: Record<string, Output>, expected: readonly number[]): Output {
  const { dims } = result.out_sample;
  if (dims.length !== expected.length || expected.some((d, k) => dims[k] !== d)) {
    const message = `unet/model.onnx returned out_sample of shape ${dims.join('×')}, not the ${expected.join('×')} of the latents`;
    throw new EngineFailure('MODEL_INVALID', message, { file: s.folder.files.unet });
  }
  return result.out_sample;
}
