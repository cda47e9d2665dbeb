// What a hover over a schedule document says: facts computed from the schedule (terminal SNR, σ
// range, the class that reads it) and, over a key, its effective value and where that value came
// from. Pure, so tests run without VS Code.
import { getLocation } from './jsonc';
import { createScheduler } from '../../core/samplers/registry';
import type { ScheduleEntry } from '../../protocol/schedule';
import type { ScheduleDocument } from './scheduleDocument';

export function hoverFacts(doc: ScheduleDocument, text: string, offset: number): string | undefined {
  const location = getLocation(text, offset);
  const path = location.path;
  const at = entryAt(doc, path);
  if (!at) return undefined;
  const { scheduler } = createScheduler(at.entry.config);
  if (!scheduler) return undefined;
  const lines = [`**${at.entry.name}** · ${scheduleFacts(scheduler.alphasCumprod)}`];
  const key = at.keyPath[0];
  if (typeof key === 'string' && at.keyPath.length === 1) {
    lines.push(keyFact(key, at.entry, scheduler.className, scheduler.config));
  }
  return lines.join('\n\n');
}

/** Terminal SNR, its log, and the training σ range. */
export function scheduleFacts(alphaBar: Float64Array): string {
  const T = alphaBar.length;
  const aT = alphaBar[T - 1]!;
  const snr = aT / (1 - aT);
  const sigma = (a: number) => Math.sqrt((1 - a) / a);
  return (
    `terminal SNR ${fmt(snr)} (log-SNR ${fmt(Math.log(snr))}${snr === 0 ? ', zero terminal SNR' : ''})` +
    ` · σ from ${fmt(sigma(alphaBar[0]!))} to ${fmt(sigma(aT))} over ${T} training timesteps`
  );
}

function keyFact(key: string, entry: ScheduleEntry, className: string, effective: Readonly<Record<string, unknown>>): string {
  if (key === '_class_name') return `\`_class_name\`: read as **${className}**`;
  if (!(key in effective)) return `\`${key}\` is not read by ${className}: the value has no effect.`;
  const value = effective[key];
  const source = key in entry.config ? 'set in this file' : `${className}'s default (not set here)`;
  return `\`${key}\` = \`${shortJson(value)}\` — ${source}`;
}

/** The schedule a path is in and the path inside its config. */
function entryAt(doc: ScheduleDocument, path: (string | number)[]): { entry: ScheduleEntry; keyPath: (string | number)[] } | undefined {
  if (doc.kind === 'config') {
    const entry = doc.schedules[0];
    return entry && { entry, keyPath: path };
  }
  if (path[0] !== 'schedules' || typeof path[1] !== 'string') return undefined;
  const entry = doc.schedules.find((s) => s.name === path[1]);
  return entry && { entry, keyPath: path[2] === 'config' ? path.slice(3) : [] };
}

function shortJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length} values]`;
  return JSON.stringify(value) ?? 'undefined';
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}
