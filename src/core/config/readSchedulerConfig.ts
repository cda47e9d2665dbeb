import { checkValue, show } from './checkValue';
import { isEdmClass } from './configSchedule';
import { crossChecks, type Source } from './crossChecks';
import type { Finding } from './findings';
import { OTHER_COMPATIBLE_KEYS, OUTSIDE_KARRAS_LIST, SCHEDULER_CLASSES, WITHOUT_COMPATIBLES } from './schedulerClasses';
import { suggestKey } from './suggestKey';
import { clip } from '../clip';

export type { Source } from './crossChecks';

export interface SchedulerConfigReading {
  /** The class the config is read as (override first, then `_class_name`); undefined when neither names
   * a class Diffusion Lab implements. */
  readonly className: string | undefined;
  /** Every key of the class: the file's (or override's) value where usable, else diffusers' default.
   * Empty when there is no class. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Where each value of `config` came from. */
  readonly sources: Readonly<Record<string, Source>>;
  readonly findings: readonly Finding[];
}

/** More findings than this are summarised in one, so a hostile file cannot flood the Problems panel. */
const MAX_FINDINGS = 100;

/** Keys of the classes diffusers lists as mutually `_compatibles` (KarrasDiffusionSchedulers): diffusers
 * drops a compatible class's keys silently. */
const COMPATIBLE_KEYS = new Set([
  ...Object.entries(SCHEDULER_CLASSES).flatMap(([name, c]) =>
    OUTSIDE_KARRAS_LIST.includes(name) ? [] : Object.keys(c.keys),
  ),
  ...OTHER_COMPATIBLE_KEYS,
]);

/** Reads any JSON value as a diffusers scheduler_config.json, the way `SchedulerClass.from_config`
 * does (configuration_utils.extract_init_dict in diffusers 0.35.2): missing keys take the class's
 * __init__ defaults, `_`-prefixed keys and keys of compatible classes are dropped, other keys are
 * ignored with a warning. `classNameOverride` reads the file as another class (diffusers'
 * `OtherScheduler.from_config(pipe.scheduler.config)`); `overrides` are keyword arguments on top.
 * Every problem is a finding (documented in the README); it never throws. */
export function readSchedulerConfig(
  json: unknown,
  classNameOverride?: string,
  overrides: Readonly<Record<string, unknown>> = {},
): SchedulerConfigReading {
  const findings: Finding[] = [];
  const isObject = typeof json === 'object' && json !== null && !Array.isArray(json);
  if (!isObject) {
    findings.push({
      severity: 'error',
      path: [],
      code: 'not-an-object',
      message: `A scheduler config must be a JSON object, got ${show(json)}`,
    });
  }
  const file: Record<string, unknown> = isObject ? (json as Record<string, unknown>) : {};
  const className = resolveClass(file, classNameOverride, findings);
  if (className === undefined) return { className, config: {}, sources: {}, findings: capped(findings) };

  const cls = SCHEDULER_CLASSES[className];
  const config: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  for (const [k, spec] of Object.entries(cls.keys)) {
    config[k] = spec.default;
    sources[k] = 'default';
  }
  const bad = new Set<string>();
  const useDefaults = defaultedKeys(file, findings);
  // Keys of the class the file was saved from are dropped silently too (reading it as another class).
  const named =
    typeof file._class_name === 'string' && Object.hasOwn(SCHEDULER_CLASSES, file._class_name)
      ? SCHEDULER_CLASSES[file._class_name]
      : undefined;
  const silent = (key: string) =>
    (COMPATIBLE_KEYS.has(key) && !WITHOUT_COMPATIBLES.includes(className)) ||
    (named !== undefined && Object.hasOwn(named.keys, key));
  const take = (key: string, raw: unknown, source: Source) => {
    const checked = checkValue(key, raw, cls.keys[key]);
    findings.push(...checked.findings);
    if (checked.value === undefined) bad.add(key);
    else {
      config[key] = checked.value;
      sources[key] = source;
    }
  };

  // A `_` key is metadata (`_diffusers_version`) in the file and in overrides alike: a schedule file sent
  // whole as overrides carries its own.
  const metadata = (key: string, what = '') =>
    findings.push({
      severity: 'hint',
      path: [key],
      code: 'private-key',
      message: `${what}${keyName(key)} is metadata; diffusers does not pass it to ${className}`,
    });
  for (const key of Object.keys(file)) {
    if (key === '_class_name' || key === '_use_default_values') continue;
    if (key.startsWith('_')) {
      metadata(key);
    } else if (Object.hasOwn(cls.keys, key)) {
      if (!useDefaults.has(key)) take(key, file[key], 'file');
    } else if (silent(key)) {
      findings.push({
        severity: 'hint',
        path: [key],
        code: 'compatible-class-key',
        message: `${key} belongs to other compatible schedulers; ${className} ignores it`,
      });
    } else {
      findings.push({
        severity: 'warning',
        path: [key],
        code: 'unknown-key',
        message: `${keyName(key)} is not a config key of ${className}; diffusers ignores it with a warning${didYouMean(key, cls.keys)}`,
      });
    }
  }
  // Callers from plain JS may pass anything here too.
  const extra = typeof overrides === 'object' && overrides !== null ? overrides : {};
  for (const key of Object.keys(extra)) {
    if (Object.hasOwn(cls.keys, key)) take(key, extra[key], 'override');
    else if (key.startsWith('_')) metadata(key, 'override ');
    else
      findings.push({
        severity: 'warning',
        path: [key],
        code: 'unknown-key',
        message: `override ${keyName(key)} is not a config key of ${className}${didYouMean(key, cls.keys)}`,
      });
  }
  findings.push(...crossChecks(className, config, sources, bad));
  if (typeof file._class_name === 'string' && named) findings.push(...formulationMismatch(file._class_name, className));
  return { className, config, sources, findings: capped(findings) };
}

/** A config saved for a DDPM-trained model read as an EDM class, or the other way round: diffusers loads it
 * without a word, but the network is fed and read in the other formulation. */
function formulationMismatch(saved: string, readAs: string): Finding[] {
  if (isEdmClass(saved) === isEdmClass(readAs)) return [];
  const [edm, other] = isEdmClass(readAs) ? [readAs, saved] : [saved, readAs];
  return [
    {
      severity: 'warning',
      path: ['_class_name'],
      code: 'formulation-mismatch',
      message:
        `Read as ${readAs}, but the file was saved for ${saved}: ${edm} preconditions the model's input and ` +
        `output for EDM-trained models (sigma_data), ${other} feeds a DDPM-trained one; the image will be wrong`,
    },
  ];
}

/** A key as messages show it: a hostile file's megabyte-long key is cut. */
function keyName(key: string): string {
  return clip(key, 60);
}

function didYouMean(key: string, keys: Readonly<Record<string, unknown>>): string {
  const near = suggestKey(key, Object.keys(keys));
  return near ? `. Did you mean ${near}?` : '';
}

/** The class to read as, with findings about `_class_name`. */
function resolveClass(
  file: Record<string, unknown>,
  override: string | undefined,
  findings: Finding[],
): string | undefined {
  const named = file._class_name;
  const supported = Object.keys(SCHEDULER_CLASSES);
  const unknown = (name: string, path: string[]) =>
    findings.push({
      severity: 'error',
      path,
      code: 'unknown-class',
      message: `${name} is not a scheduler Diffusion Lab implements (${supported.join(', ')})`,
    });
  if (override !== undefined) {
    if (!Object.hasOwn(SCHEDULER_CLASSES, override)) {
      unknown(String(override), []);
      return undefined;
    }
    if (typeof named === 'string' && named !== override) {
      findings.push({
        severity: 'info',
        path: ['_class_name'],
        code: 'class-overridden',
        message: `Read as ${override}; the file names ${named}`,
      });
    }
    return override;
  }
  if (named === undefined) {
    if (Object.keys(file).length > 0 || findings.length === 0) {
      findings.push({
        severity: 'error',
        path: [],
        code: 'missing-class-name',
        message: '_class_name is missing; it names the scheduler, e.g. "EulerDiscreteScheduler"',
      });
    }
    return undefined;
  }
  if (typeof named !== 'string') {
    findings.push({
      severity: 'error',
      path: ['_class_name'],
      code: 'wrong-type',
      message: `_class_name must be a string, got ${show(named)}`,
    });
    return undefined;
  }
  if (!Object.hasOwn(SCHEDULER_CLASSES, named)) {
    unknown(`"${clip(named, 60)}"`, ['_class_name']);
    return undefined;
  }
  return named;
}

/** diffusers' `_use_default_values`: keys saved in the file that must still take their defaults. */
function defaultedKeys(file: Record<string, unknown>, findings: Finding[]): Set<string> {
  const list = file._use_default_values;
  if (list === undefined) return new Set();
  if (!Array.isArray(list) || !list.every((k) => typeof k === 'string')) {
    findings.push({
      severity: 'warning',
      path: ['_use_default_values'],
      code: 'wrong-type',
      message: `_use_default_values must be an array of key names, got ${show(list)}`,
    });
    return new Set();
  }
  const keys = list.filter((k) => Object.hasOwn(file, k));
  if (keys.length) {
    findings.push({
      severity: 'info',
      path: ['_use_default_values'],
      code: 'use-default-values',
      message: `${keys.join(', ')} take their defaults: _use_default_values lists them`,
    });
  }
  return new Set(keys);
}

function capped(findings: Finding[]): Finding[] {
  if (findings.length <= MAX_FINDINGS) return findings;
  const rest = findings.length - MAX_FINDINGS;
  return [
    ...findings.slice(0, MAX_FINDINGS),
    { severity: 'info', path: [], code: 'too-many-findings', message: `${rest} more findings not shown` },
  ];
}
