// UniPC as A1111 1.10 runs "UniPC" (modules/sd_samplers_timesteps_impl.py unipc with its default options:
// bh1, time_uniform, order 3, lower order final). Unlike ComfyUI it walks continuous VP times
// t = linspace(1, 1/T, N + 1), N the number of DDIM timesteps, on NoiseScheduleVP('discrete'): log α(t)
// piecewise linear through ½·log ᾱ at t = (k + 1)/T. The UNet gets the fractional timestep (t − 1/T)·T;
// a σ-based Denoiser reaches the same UNet time when given σ = t_to_sigma of it, the σ list here.
// A1111 refuses fewer than 3 steps (order 3 must not exceed them); so does this.
import { f32, torchLinspaceF32 } from '../schedules/float32';
import type { KSampler } from './denoiser';
import { sigmaTable, sigmaToT, timestepToSigma, type SigmaTable } from './sigmaTable';
import { uniPcMultistep } from './uniPc';
import { UniPcSchedule, type UniPcModel } from './uniPcUpdate';
import { lincomb, overEach, timesEach } from './stepMath';

/** A1111's uni_pc_order default; it refuses fewer steps. */
export const UNIPC_ORDER = 3;

function needSteps(n: number): void {
  if (!(n >= UNIPC_ORDER))
    throw new RangeError(`UniPC: A1111 needs at least ${UNIPC_ORDER} steps (its order), got ${n}`);
}

/** NoiseScheduleVP('discrete').marginal_log_mean_coeff: interpolate_fn over t_k = (k + 1)/T, float32. */
function discreteSchedule(alphasCumprod: ArrayLike<number>): UniPcSchedule {
  const T = alphasCumprod.length;
  const ts = torchLinspaceF32(0, 1, T + 1).subarray(1);
  const ys = Float64Array.from(alphasCumprod, (a) => f32(0.5 * f32(Math.log(f32(a)))));
  return new UniPcSchedule((t) => {
    // The segment k: the first with t ≤ ts[k + 1] (the last one past the table), by bisection.
    let [k, hi] = [0, T - 2];
    while (k < hi) {
      const mid = (k + hi) >> 1;
      if (t > ts[mid + 1]) k = mid + 1;
      else hi = mid;
    }
    return f32(ys[k] + f32(f32(f32(t - ts[k]) * f32(ys[k + 1] - ys[k])) / f32(ts[k + 1] - ts[k])));
  });
}

/** A1111's UniPC times for N steps from time `start` (1; from an init image its own), as the σ a Denoiser
 * gets at each (the last one is never evaluated). */
export function a1111UniPcSigmas(table: SigmaTable, steps: number, start = 1): number[] {
  needSteps(steps);
  const T = table.sigmas.length;
  return Array.from(torchLinspaceF32(start, 1 / T, steps + 1), (t) => timestepToSigma(table, f32(f32(t - 1 / T) * T)));
}

/** Where A1111's UniPC starts from an init image (sd_samplers_timesteps_impl.py unipc, is_img2img): the time
 * just above the last of the timesteps it is handed, t/T + 1/T in float32, from which it walks N of them. */
export function a1111UniPcImageSigmas(table: SigmaTable, timesteps: readonly number[]): number[] {
  const T = table.sigmas.length;
  const start = f32(f32(timesteps[timesteps.length - 1] / T) + f32(1 / T));
  return a1111UniPcSigmas(table, timesteps.length, start);
}

export const sampleUniPcA1111: KSampler = function* (denoise, x0, sigmas, opts = {}) {
  if (!opts.alphasCumprod) throw new Error("A1111 UniPC: pass opts.alphasCumprod (the model's ᾱ)");
  needSteps(sigmas.length - 1);
  const T = opts.alphasCumprod.length;
  const table = sigmaTable(opts.alphasCumprod, 'a1111');
  const ns = discreteSchedule(opts.alphasCumprod);
  // Each σ back to its continuous time: t = t_unet/T + 1/T.
  const ts = Array.from(sigmas, (s) => f32(sigmaToT(table, s) / T + 1 / T));
  // ε from the Denoiser at the UNet's time, then x0 with the schedule's own α and std, as A1111 does.
  const xk = new Float32Array(x0.length);
  const model: UniPcModel = function* (xv, t, into) {
    const sigma = timestepToSigma(table, f32(f32(t - 1 / T) * T));
    timesEach(xv, Math.sqrt(1 + sigma * sigma), xk);
    const d = yield* denoise(xk, sigma);
    // (x − std·(x_k − D)/σ)/α as one float64 sum over the three arrays (stepMath's lincomb).
    const [a, std] = [ns.alpha(t), ns.std(t)];
    const c = std / (sigma * a);
    return lincomb(
      [
        [1 / a, xv],
        [-c, xk],
        [c, d],
      ],
      into,
    );
  };
  // α(t) once: the schedule's log α searches its table for t.
  const xVp = timesEach(x0, ns.alpha(ts[0]));
  const x = yield* uniPcMultistep(xVp, ts, UNIPC_ORDER, 'bh1', ns, model, opts.callback);
  return overEach(x, ns.alpha(ts[ts.length - 1]));
};
