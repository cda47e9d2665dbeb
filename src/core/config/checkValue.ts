import type { Finding } from './findings';
import type { ConfigKeySpec } from './keySpecs';
import { clip } from '../clip';

/** What a key's value turned into: the value to use, or undefined when it is unusable (the caller falls
 * back to the default), plus what was wrong with it. */
export interface CheckedValue {
  readonly value?: unknown;
  readonly findings: Finding[];
}

/** Longest array whose elements are checked one by one; longer ones are rejected whole. */
export const MAX_ARRAY_CHECK = 100000;
/** At most this many findings about the elements of one array, then a summary. */
const MAX_ELEMENT_FINDINGS = 10;

const NON_FINITE: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

/** Checks one config value against its spec: JSON type, nullability, enum (and the spellings diffusers
 * rewrites), numeric range. Never throws. */
export function checkValue(key: string, raw: unknown, spec: ConfigKeySpec): CheckedValue {
  const path = [key];
  if (raw === null) {
    return spec.nullable
      ? { value: null, findings: [] }
      : fail(path, 'wrong-type', `${key} must not be null; expected ${describe(spec)}`);
  }
  switch (spec.type) {
    case 'boolean':
      return typeof raw === 'boolean'
        ? { value: raw, findings: [] }
        : fail(path, 'wrong-type', `${key} must be ${describe(spec)}, got ${show(raw)}`);
    case 'integer':
    case 'number':
      return checkNumber(key, path, raw, spec);
    case 'string':
      return checkString(key, raw, spec);
    case 'number[]':
    case 'integer[]':
      return checkArray(key, raw, spec);
  }
}

function checkNumber(key: string, path: (string | number)[], raw: unknown, spec: ConfigKeySpec): CheckedValue {
  const findings: Finding[] = [];
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && raw in NON_FINITE && spec.type === 'number') {
    // JSON cannot spell them; Python's json writes bare Infinity/NaN, and some tools quote them.
    n = NON_FINITE[raw];
    findings.push({
      severity: 'info',
      path,
      code: 'non-finite-string',
      message: `${key}: the string "${raw}" is read as the number ${raw}`,
    });
  } else return fail(path, 'wrong-type', `${key} must be ${describe(spec)}, got ${show(raw)}`);
  if (spec.type === 'integer' && !Number.isInteger(n)) {
    return fail(path, 'wrong-type', `${key} must be an integer, got ${n}`);
  }
  const problem = rangeProblem(n, spec);
  if (problem)
    return {
      findings: [...findings, { severity: 'error', path, code: 'out-of-range', message: `${key} = ${n} ${problem}` }],
    };
  return { value: n, findings };
}

/** Why n is outside the spec's range, or undefined. NaN is always out. */
export function rangeProblem(n: number, spec: ConfigKeySpec): string | undefined {
  if (Number.isNaN(n)) return 'is not a number';
  // An infinite bound names the one infinity a key takes (lambda_min_clipped = -Infinity: no clipping).
  if (!Number.isFinite(n) && n !== spec.minimum && n !== spec.maximum) return 'must be finite';
  if (spec.minimum !== undefined && n < spec.minimum) return `is below the minimum ${spec.minimum}`;
  if (spec.maximum !== undefined && n > spec.maximum) return `is above the maximum ${spec.maximum}`;
  if (spec.exclusiveMinimum !== undefined && n <= spec.exclusiveMinimum)
    return `must be greater than ${spec.exclusiveMinimum}`;
  if (spec.exclusiveMaximum !== undefined && n >= spec.exclusiveMaximum)
    return `must be less than ${spec.exclusiveMaximum}`;
  return undefined;
}

function checkString(key: string, raw: unknown, spec: ConfigKeySpec): CheckedValue {
  const path = [key];
  if (typeof raw !== 'string') return fail(path, 'wrong-type', `${key} must be ${describe(spec)}, got ${show(raw)}`);
  if (!spec.enum || spec.enum.includes(raw)) return { value: raw, findings: [] };
  const mapped = spec.remap?.[raw];
  if (mapped !== undefined) {
    return {
      value: mapped,
      findings: [
        {
          severity: 'warning',
          path,
          code: 'remapped-value',
          message: `${key} "${raw}" is not implemented by this class; diffusers replaces it with "${mapped}"`,
        },
      ],
    };
  }
  const options = spec.enum.map((e) => `"${e}"`).join(', ');
  if (key === 'beta_schedule') {
    return fail(
      path,
      'unsupported-beta-schedule',
      `beta_schedule "${clip(raw, 40)}" is not implemented by this class (diffusers raises NotImplementedError); it offers ${options}`,
    );
  }
  return fail(path, 'invalid-value', `${key} "${clip(raw, 40)}" is not one of ${options}`);
}

function checkArray(key: string, raw: unknown, spec: ConfigKeySpec): CheckedValue {
  const path = [key];
  if (!Array.isArray(raw)) return fail(path, 'wrong-type', `${key} must be ${describe(spec)}, got ${show(raw)}`);
  if (raw.length > MAX_ARRAY_CHECK) {
    return fail(
      path,
      'array-too-long',
      `${key} has ${raw.length} elements; Diffusion Lab reads at most ${MAX_ARRAY_CHECK}`,
    );
  }
  const findings: Finding[] = [];
  let bad = 0;
  for (let i = 0; i < raw.length; i++) {
    const v: unknown = raw[i];
    const ok = typeof v === 'number' && Number.isFinite(v) && (spec.type === 'number[]' || Number.isInteger(v));
    if (ok) continue;
    if (bad++ < MAX_ELEMENT_FINDINGS) {
      findings.push({
        severity: 'error',
        path: [key, i],
        code: 'wrong-type',
        message: `${key}[${i}] must be a finite ${spec.type === 'integer[]' ? 'integer' : 'number'}, got ${show(v)}`,
      });
    }
  }
  if (bad > MAX_ELEMENT_FINDINGS) {
    findings.push({
      severity: 'error',
      path,
      code: 'wrong-type',
      message: `${key}: ${bad - MAX_ELEMENT_FINDINGS} more elements are not finite numbers`,
    });
  }
  return bad ? { findings } : { value: raw, findings };
}

function fail(path: (string | number)[], code: string, message: string): CheckedValue {
  return { findings: [{ severity: 'error', path, code, message }] };
}

/** The expected type in words, e.g. "a number or null". */
export function describe(spec: ConfigKeySpec): string {
  const base = {
    boolean: 'true or false',
    integer: 'an integer',
    number: 'a number',
    string: spec.enum ? `one of ${spec.enum.map((e) => `"${e}"`).join(', ')}` : 'a string',
    'number[]': 'an array of numbers',
    'integer[]': 'an array of integers',
  }[spec.type];
  return spec.nullable ? `${base} or null` : base;
}

/** A short rendering of any JSON value for messages. */
export function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `"${clip(v, 40)}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v; // not JSON: undefined, a function
}
