// Reads a scheduler_config.json or a *.schedule.json text into plottable schedules plus findings that
// carry text offsets. Pure (no vscode): the host turns offsets into ranges, tests run in plain Node.
// jsonc-parser keeps every node's offset, so a finding's JSON path maps straight to the text.
import { findNodeAtLocation, findNodeAtOffset, getNodePath, parseTree, type Node, type ParseError } from './jsonc';
import { describeSyntaxError, firstErrorPerLine } from './jsonSyntax';
import type { FindingSeverity, ScheduleEntry } from '../protocol/schedule';
import { tooDeepAt } from '../core/config/jsonNesting';
import { readSchedulerConfig } from '../core/config/readSchedulerConfig';
import { clip } from '../core/clip';

export type DocumentKind = 'config' | 'scheduleFile';

export interface LocatedFinding {
  severity: FindingSeverity;
  message: string;
  code: string;
  path: (string | number)[];
  offset: number;
  length: number;
}

export interface ScheduleDocument {
  kind: DocumentKind;
  root: Node | undefined;
  schedules: ScheduleEntry[];
  findings: LocatedFinding[];
  /** Why nothing can be plotted, when nothing can. */
  error?: string;
}

/** Beyond this the inspector stops: parsing alone would take seconds. */
export const MAX_TEXT_LENGTH = 64 * 1024 * 1024;
/** Deepest nesting read: the parser and the reader recurse once per level, and a few thousand levels
 * (a 15 KB file) overflow the stack; a schedule file uses 5. */
export const MAX_NESTING = 64;
/** Longest explicit timesteps / sigmas list. */
export const MAX_INFERENCE_STEPS = 1000;
/** Per-element findings reported for one array before summarising. */
const MAX_ELEMENT_FINDINGS = 5;

const ENTRY_KEYS = ['description', 'config', 'betas', 'timesteps', 'sigmas'];
const FILE_KEYS = ['$schema', 'description', 'schedules'];

/** JSON path of the value at a text offset, from the kept parse tree (no rescan of the text). */
export function pathAt(doc: ScheduleDocument, offset: number): (string | number)[] {
  const node = doc.root && findNodeAtOffset(doc.root, offset, true);
  return node ? getNodePath(node) : [];
}

/** Which kind of schedule document a file name is, if any. */
export function documentKind(fileName: string): DocumentKind | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  if (base.endsWith('.schedule.json')) return 'scheduleFile';
  if (base === 'scheduler_config.json') return 'config';
  return undefined;
}

export function readScheduleDocument(text: string, kind: DocumentKind, name: string): ScheduleDocument {
  if (text.length > MAX_TEXT_LENGTH) {
    const mb = (text.length / 1048576).toFixed(0);
    const message = `The file is ${mb} MB; the schedule inspector reads at most ${MAX_TEXT_LENGTH / 1048576} MB.`;
    return {
      kind,
      root: undefined,
      schedules: [],
      findings: [finding('error', message, 'too-large', [], 0, 1)],
      error: message,
    };
  }
  const deep = tooDeepAt(text, MAX_NESTING);
  if (deep !== undefined) {
    const message = `Nested more than ${MAX_NESTING} levels deep at line ${text.slice(0, deep).split('\n').length}; a schedule needs at most 5.`;
    return {
      kind,
      root: undefined,
      schedules: [],
      findings: [finding('error', message, 'too-deep', [], deep, 1)],
      error: message,
    };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const findings = firstErrorPerLine(errors, text).map((e) =>
      finding('error', `${describeSyntaxError(e, text)}.`, 'syntax', [], e.offset, Math.max(e.length, 1)),
    );
    if (findings.length === 0)
      findings.push(finding('error', 'The file is empty; expected a JSON object.', 'syntax', [], 0, 0));
    return { kind, root, schedules: [], findings, error: `Broken JSON: ${findings[0].message}` };
  }
  const doc: ScheduleDocument = { kind, root, schedules: [], findings: [] };
  if (root.type !== 'object') {
    report(doc, root, [], 'error', `Expected a JSON object at the top level, found ${describe(root)}.`, 'wrong-type');
    doc.error = doc.findings[0].message;
    return doc;
  }
  if (kind === 'config') readEntry(doc, root, [], name, { config: root });
  else readScheduleFile(doc, root);
  if (doc.schedules.length === 0 && !doc.error) {
    doc.error = doc.findings.find((f) => f.severity === 'error')?.message ?? 'Nothing to plot.';
  }
  return doc;
}

function readScheduleFile(doc: ScheduleDocument, root: Node): void {
  for (const prop of root.children ?? []) {
    const key = prop.children![0].value as string;
    if (!FILE_KEYS.includes(key)) {
      report(
        doc,
        prop.children![0],
        [key],
        'warning',
        `Unknown key "${key}"; a schedule file has ${FILE_KEYS.join(', ')}.`,
        'unknown-key',
      );
    }
  }
  const schedules = findNodeAtLocation(root, ['schedules']);
  if (!schedules) {
    report(
      doc,
      root,
      [],
      'error',
      'A schedule file needs "schedules": an object of named schedules.',
      'missing-schedules',
    );
    return;
  }
  if (schedules.type !== 'object' || (schedules.children ?? []).length === 0) {
    report(
      doc,
      schedules,
      ['schedules'],
      'error',
      `"schedules" must be an object with at least one named schedule, found ${describe(schedules)}.`,
      'wrong-type',
    );
    return;
  }
  for (const prop of schedules.children!) {
    const name = prop.children![0].value as string;
    const value = prop.children![1];
    const path = ['schedules', name];
    if (!value || value.type !== 'object') {
      if (value)
        report(
          doc,
          value,
          path,
          'error',
          `Schedule "${name}" must be an object, found ${describe(value)}.`,
          'wrong-type',
        );
      continue;
    }
    const parts: EntryParts = {};
    for (const p of value.children ?? []) {
      const key = p.children![0].value as string;
      if (!ENTRY_KEYS.includes(key)) {
        report(
          doc,
          p.children![0],
          [...path, key],
          'warning',
          `Unknown key "${key}"; a schedule has ${ENTRY_KEYS.join(', ')}.`,
          'unknown-key',
        );
      } else if (key !== 'description') parts[key as keyof EntryParts] = p.children![1];
    }
    readEntry(doc, value, path, name, parts);
  }
}

interface EntryParts {
  config?: Node;
  betas?: Node;
  timesteps?: Node;
  sigmas?: Node;
}

/** One schedule: its config (checked by the core), explicit betas, and explicit inference steps. */
function readEntry(doc: ScheduleDocument, at: Node, path: (string | number)[], name: string, parts: EntryParts): void {
  const configPath = doc.kind === 'config' ? path : [...path, 'config'];
  if (parts.config && parts.config.type !== 'object') {
    report(
      doc,
      parts.config,
      configPath,
      'error',
      `"config" must be an object (a diffusers scheduler config), found ${describe(parts.config)}.`,
      'wrong-type',
    );
    return;
  }
  const config: Record<string, unknown> = parts.config ? objectValue(parts.config) : {};
  let ok = true;
  // A schedule file's "betas" is the config's trained_betas: the core checks it, and its findings
  // about trained_betas point into "betas".
  if (parts.betas) {
    if (parts.config && findNodeAtLocation(parts.config, ['trained_betas'])) {
      report(
        doc,
        parts.betas,
        [...path, 'betas'],
        'warning',
        '"betas" replaces the config\'s trained_betas.',
        'betas-override',
      );
    }
    config.trained_betas = plainValue(parts.betas);
  }
  // The core reads the config as the sampler will: defaults, types, ranges (num_train_timesteps and
  // array lengths capped), ignored keys, terminal SNR.
  const read = readSchedulerConfig(config);
  for (const f of read.findings) {
    const inBetas = parts.betas !== undefined && f.path[0] === 'trained_betas';
    const rest = inBetas ? f.path.slice(1) : f.path;
    const span = inBetas ? findingSpan(parts.betas!, rest) : findingSpan(parts.config ?? at, f.path);
    const fullPath = inBetas ? [...path, 'betas', ...rest] : [...configPath, ...f.path];
    doc.findings.push(finding(f.severity, f.message, f.code, fullPath, span.offset, span.length));
    if (f.severity === 'error') ok = false;
  }
  if (ok) trainingDefaults(doc, read, parts.config ?? at, configPath);
  const entry: ScheduleEntry = { name, config };
  if (parts.timesteps && parts.sigmas) {
    report(
      doc,
      parts.sigmas,
      [...path, 'sigmas'],
      'error',
      'Give "timesteps" or "sigmas", not both (diffusers accepts one of them).',
      'timesteps-and-sigmas',
    );
    ok = false;
  }
  if (parts.timesteps) {
    const t = numberArray(
      doc,
      parts.timesteps,
      [...path, 'timesteps'],
      MAX_INFERENCE_STEPS,
      (x) => Number.isInteger(x) && x >= 0,
      'a whole number ≥ 0',
    );
    if (t && descending(doc, parts.timesteps, [...path, 'timesteps'], t, true)) entry.timesteps = t;
    else ok = false;
  }
  if (parts.sigmas) {
    const s = numberArray(doc, parts.sigmas, [...path, 'sigmas'], MAX_INFERENCE_STEPS + 1, (x) => x >= 0, '≥ 0');
    if (s && descending(doc, parts.sigmas, [...path, 'sigmas'], s, false)) entry.sigmas = s;
    else ok = false;
  }
  if (ok) doc.schedules.push(entry);
}

/** The numbers of an array node, or undefined after reporting what is wrong with it. */
function numberArray(
  doc: ScheduleDocument,
  node: Node,
  path: (string | number)[],
  maxLength: number,
  valid: (x: number) => boolean,
  validText: string,
): number[] | undefined {
  if (node.type !== 'array') {
    report(doc, node, path, 'error', `Expected an array of numbers, found ${describe(node)}.`, 'wrong-type');
    return undefined;
  }
  const items = node.children ?? [];
  if (items.length === 0) {
    report(doc, node, path, 'error', 'The array is empty.', 'empty');
    return undefined;
  }
  if (items.length > maxLength) {
    report(
      doc,
      node,
      path,
      'error',
      `The array has ${items.length.toLocaleString('en-US')} entries; the inspector takes at most ${maxLength.toLocaleString('en-US')}.`,
      'too-large',
    );
    return undefined;
  }
  const values = new Array<number>(items.length);
  let bad = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const ok = item.type === 'number' && Number.isFinite(item.value) && valid(item.value as number);
    if (ok) {
      values[i] = item.value as number;
      continue;
    }
    if (++bad <= MAX_ELEMENT_FINDINGS) {
      const what = item.type === 'number' ? String(item.value) : describe(item);
      report(doc, item, [...path, i], 'error', `Entry ${i} is ${what}; expected a number ${validText}.`, 'wrong-type');
    }
  }
  if (bad > MAX_ELEMENT_FINDINGS) {
    report(
      doc,
      node,
      path,
      'error',
      `${bad} entries are not numbers ${validText} (the first ${MAX_ELEMENT_FINDINGS} are marked).`,
      'wrong-type',
    );
  }
  return bad ? undefined : values;
}

function descending(
  doc: ScheduleDocument,
  node: Node,
  path: (string | number)[],
  values: number[],
  strict: boolean,
): boolean {
  for (let i = 1; i < values.length; i++) {
    if (values[i] > values[i - 1] || (strict && values[i] === values[i - 1])) {
      report(
        doc,
        node.children![i],
        [...path, i],
        'error',
        `Entry ${i} (${values[i]}) must be below entry ${i - 1} (${values[i - 1]}): steps run from noisy to clean.`,
        'not-descending',
      );
      return false;
    }
  }
  return true;
}

function report(
  doc: ScheduleDocument,
  node: Node,
  path: (string | number)[],
  severity: FindingSeverity,
  message: string,
  code: string,
): void {
  const span = spanOf(node);
  doc.findings.push(finding(severity, message, code, path, span.offset, span.length));
}

/** A value's text span; for objects and arrays under a key, the key's (a million-entry array makes a poor squiggle). */
export function spanOf(node: Node): { offset: number; length: number } {
  const parent = node.parent;
  if ((node.type === 'object' || node.type === 'array') && parent?.type === 'property') {
    const key = parent.children![0];
    return { offset: key.offset, length: key.length };
  }
  return { offset: node.offset, length: node.length };
}

const TRAINING_KEYS = ['beta_start', 'beta_end', 'beta_schedule', 'trained_betas'];

/** A config without a training schedule is plotted on its class's default betas, which few models were
 * trained on; a run takes its model's and these keys on top (Generate with this schedule, a sweep), so the
 * plots can differ from what runs. Said at `_class_name`, or the object's first character. */
function trainingDefaults(
  doc: ScheduleDocument,
  { className, config, sources }: ReturnType<typeof readSchedulerConfig>,
  node: Node,
  path: (string | number)[],
): void {
  if (!className || !('beta_start' in config) || TRAINING_KEYS.some((k) => sources[k] !== 'default')) return;
  const [kind, start, end, T] = ['beta_schedule', 'beta_start', 'beta_end', 'num_train_timesteps'].map((k) =>
    String(config[k]),
  );
  const message =
    `No training schedule here (beta_start, beta_end, beta_schedule): the plots use ${className}'s defaults, ` +
    `${kind} betas ${start} to ${end} over ${T} timesteps. A run with this file takes its model's training ` +
    'schedule with these keys on top.';
  const named = findNodeAtLocation(node, ['_class_name'])?.parent;
  const span = named ? spanOf(named) : { offset: node.offset, length: 1 };
  doc.findings.push(finding('info', message, 'training-defaults', path, span.offset, span.length));
}

/** Where a config finding goes: its value; for a key the file does not set (a default at fault),
 * the deepest part of the path that exists, or the `_class_name` value whose defaults apply. */
function findingSpan(config: Node, path: readonly (string | number)[]): { offset: number; length: number } {
  for (let i = path.length; i > 0; i--) {
    const found = findNodeAtLocation(config, path.slice(0, i));
    if (found) return spanOf(found);
  }
  if (config.type !== 'object') return spanOf(config);
  const className = findNodeAtLocation(config, ['_class_name']);
  return className ? spanOf(className) : { offset: config.offset, length: 1 };
}

function objectValue(node: Node): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of node.children ?? []) {
    const [key, value] = prop.children!;
    out[key.value as string] = value ? plainValue(value) : undefined;
  }
  return out;
}

function plainValue(node: Node): unknown {
  switch (node.type) {
    case 'object':
      return objectValue(node);
    case 'array':
      return (node.children ?? []).map(plainValue);
    default:
      return node.value;
  }
}

function describe(node: Node): string {
  switch (node.type) {
    case 'string':
      return `the string ${JSON.stringify(clip(String(node.value), 40))}`;
    case 'number':
      return `the number ${node.value}`;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    default:
      return `an ${node.type}`;
  }
}

function finding(
  severity: FindingSeverity,
  message: string,
  code: string,
  path: (string | number)[],
  offset: number,
  length: number,
): LocatedFinding {
  return { severity, message, code, path, offset, length };
}
