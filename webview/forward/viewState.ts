// The forward view's choices, kept in the webview's own state so they survive the panel being hidden
// and restored. Accepted field by field, so an older or damaged state cannot break the view.
import type { Spacing, StepChoice } from './scheduleSet';

/** Where the image is noised: its pixels by the formula, or the model's latents (encoder, then decoder). */
export type ForwardSpace = 'pixel' | 'latent';

export interface ForwardState extends StepChoice {
  t: number;
  seed: number;
  space: ForwardSpace;
}

export const DEFAULT_FORWARD_STATE: ForwardState = {
  t: 500,
  seed: 0,
  sampler: '',
  spacing: '',
  steps: 50,
  space: 'pixel',
};
export const MAX_SEED = 2 ** 32 - 1;
const SPACINGS: readonly Spacing[] = ['', 'leading', 'trailing', 'linspace'];

export function restoreForwardState(value: unknown): ForwardState {
  const s = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof ForwardState, unknown>>;
  const d = DEFAULT_FORWARD_STATE;
  return {
    t: clampInt(s.t, 0, 100_000, d.t),
    seed: clampInt(s.seed, 0, MAX_SEED, d.seed),
    sampler: typeof s.sampler === 'string' ? s.sampler : d.sampler,
    spacing: SPACINGS.includes(s.spacing as Spacing) ? (s.spacing as Spacing) : d.spacing,
    steps: clampInt(s.steps, 1, 1000, d.steps),
    space: s.space === 'latent' ? 'latent' : d.space,
  };
}

/** A whole number within [min, max] from any input; `fallback` for what is not a number. */
export function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : fallback;
}
