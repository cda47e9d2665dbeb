// The inspector's UI choices, kept in the webview's own state so they survive the panel being
// hidden and restored.
import type { VariantId } from './scheduleSeries';

export interface InspectorState {
  /** '' keeps each schedule's own `_class_name`. */
  sampler: string;
  steps: number;
  /** Name of the schedule that variants are made from. */
  primary: string;
  variants: VariantId[];
}

export const DEFAULT_STATE: InspectorState = { sampler: '', steps: 20, primary: '', variants: [] };
export const MAX_STEPS = 1000;

/** Accepts a stored state only field by field, so an older or damaged state cannot break the view. */
export function restoreState(value: unknown): InspectorState {
  const s = (typeof value === 'object' && value !== null ? value : {}) as Partial<
    Record<keyof InspectorState, unknown>
  >;
  return {
    sampler: typeof s.sampler === 'string' ? s.sampler : DEFAULT_STATE.sampler,
    steps: clampSteps(s.steps),
    primary: typeof s.primary === 'string' ? s.primary : DEFAULT_STATE.primary,
    variants: Array.isArray(s.variants) ? (s.variants.filter((v) => typeof v === 'string') as VariantId[]) : [],
  };
}

export function clampSteps(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? Math.min(MAX_STEPS, Math.max(1, Math.round(n))) : DEFAULT_STATE.steps;
}
