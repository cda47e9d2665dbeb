// What a hover over a schedule document says: facts computed from the schedule (terminal SNR, σ
// range, the class that reads it) and, over a key, its effective value, where that value came from
// and what the key means. All of it from the core's config reader. Pure, so tests run without VS Code.
// Names and keys come from the file: they are escaped, so the hover shows them and nothing else.
import { sigmaRange, terminalSnr } from '../../core/config/configSchedule';
import { readSchedulerConfig, type Source } from '../../core/config/readSchedulerConfig';
import { SCHEDULER_CLASSES } from '../../core/config/schedulerClasses';
import type { ScheduleEntry } from '../../protocol/schedule';
import { markdownCode, markdownText } from './markdownEscape';
import { pathAt, type ScheduleDocument } from '../../documents/scheduleDocument';

const SOURCE_TEXT: Record<Source, string> = {
  file: 'set in this file',
  default: 'the class default (not set here)',
  override: 'overridden',
};

export function hoverFacts(doc: ScheduleDocument, offset: number): string | undefined {
  const at = entryAt(doc, pathAt(doc, offset));
  if (!at) return undefined;
  const reading = readSchedulerConfig(at.entry.config);
  const className = reading.className;
  if (!className) return undefined;
  const lines = [`**${markdownText(at.entry.name)}** · ${className} · ${scheduleFacts(className, reading.config)}`];
  const key = at.keyPath[0];
  if (key === '_class_name') {
    const defaults = Object.keys(reading.config).filter((k) => reading.sources[k] === 'default');
    if (defaults.length)
      lines.push(
        `Defaults in effect (not set here): ${defaults.map((k) => `${markdownCode(k)} = ${markdownCode(shortJson(reading.config[k]))}`).join(', ')}`,
      );
  } else if (typeof key === 'string' && at.keyPath.length === 1) {
    const spec = SCHEDULER_CLASSES[className].keys[key];
    if (!spec) lines.push(`${markdownCode(key)} is not read by ${className}: the value has no effect.`);
    else
      lines.push(
        `${markdownCode(key)} = ${markdownCode(shortJson(reading.config[key]))} — ${SOURCE_TEXT[reading.sources[key]]}. ${spec.doc}`,
      );
  }
  return lines.join('\n\n');
}

/** Terminal SNR, its log, and the training σ range, as the class computes them. */
export function scheduleFacts(className: string, config: Readonly<Record<string, unknown>>): string {
  if (SCHEDULER_CLASSES[className].ownSchedule)
    return 'no training β: the class builds its own schedule over t from 1 to 0';
  const snr = terminalSnr(className, config);
  const sigma = sigmaRange(className, config);
  const T = config.num_train_timesteps as number;
  return (
    `terminal SNR ${fmt(snr)} (log-SNR ${fmt(Math.log(snr))}${snr === 0 ? ', zero terminal SNR' : ''})` +
    ` · σ from ${fmt(sigma.min)} to ${fmt(sigma.max)} over ${T} training timesteps`
  );
}

/** The schedule a path is in and the path inside its config. */
function entryAt(
  doc: ScheduleDocument,
  path: (string | number)[],
): { entry: ScheduleEntry; keyPath: (string | number)[] } | undefined {
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
