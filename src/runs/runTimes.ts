// One wording for a run's per-component times, used by the CLI output and the extension's log.
import type { RunTimings } from '../protocol/engine';

/** "1.20 s total: load …, text encoder …, unet … (…/step), vae …". */
export function describeTimes(t: RunTimings): string {
  const unet = t.unetStepMs.reduce((a, b) => a + b, 0);
  return `${ms(t.totalMs)} total: load ${ms(t.loadMs)}, text encoder ${ms(t.textEncoderMs)}, unet ${ms(unet)} (${ms(unet / Math.max(1, t.unetStepMs.length))}/step), vae ${ms(t.vaeMs)}`;
}

function ms(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
}
