// Optimized graphs kept across engine runs. onnxruntime spends most of a small model's session
// creation on graph optimisation; it can save the optimized graph (SessionOptions.optimizedModelFilePath)
// and a later session opens that instead. Saved in ORT format, which also loads faster than ONNX.
//
// The saved graph is optimized at level 'all', whose NCHWc layout is specific to this CPU (onnxruntime
// warns so when saving, and its ORT-format converter drops NCHWc for that reason: onnxruntime PR #7126).
// It stays in a per-user cache on this machine and its key holds the CPU's model and feature flags, so
// another CPU misses. A cached file that does not open is deleted and rewritten, never fatal.
import * as ort from 'onnxruntime-node';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync } from 'node:fs';
import { removeQuietly } from '../modelFolder/cacheFolder';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** Components above this (graph plus external weights) are not cached: the copy would cost as much disk
 * again, and an ORT-format file cannot exceed 2 GiB. */
const MAX_CACHED_BYTES = 1 << 30;

/** The cache keeps its most recently used files within these bounds (model copies, such as tests make,
 * each get their own entries). */
const KEEP_FILES = 100;
const KEEP_BYTES = 4 * (1 << 30);

/** The files of a model component: the graph and whatever lies beside it (external weights). */
export function componentFiles(modelPath: string): { path: string; size: number; mtimeMs: number }[] {
  const dir = dirname(modelPath);
  return readdirSync(dir)
    .sort()
    .map((name) => ({ path: join(dir, name), stat: statSync(join(dir, name)) }))
    .filter(({ stat }) => stat.isFile())
    .map(({ path, stat }) => ({ path, size: stat.size, mtimeMs: stat.mtimeMs }));
}

/** The cache file for a model graph opened with these options, or undefined when it is not cached. The key
 * covers the component's files (path, size, mtime), onnxruntime's version, the options and the CPU. */
export function cachedGraphPath(
  dir: string,
  modelPath: string,
  options: ort.InferenceSession.SessionOptions,
): string | undefined {
  const files = componentFiles(resolve(modelPath));
  if (files.reduce((sum, f) => sum + f.size, 0) > MAX_CACHED_BYTES) return undefined;
  const key = createHash('sha256')
    .update(JSON.stringify([files, ort.env.versions, options.graphOptimizationLevel, options.executionProviders]))
    .update(cpuIdentity())
    .digest('hex')
    .slice(0, 20);
  return join(dir, `${basename(dirname(resolve(modelPath)))}-${key}.ort`);
}

let cpu: string | undefined;

/** Architecture, model name and (on Linux) feature flags: what decides the saved graph's layout. */
function cpuIdentity(): string {
  if (cpu === undefined) {
    let flags = '';
    try {
      flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    } catch {
      // Not Linux: the model name stands for the features.
    }
    cpu = `${process.platform} ${process.arch} ${cpus()[0]?.model ?? ''} ${flags.trim()}`;
  }
  return cpu;
}

/** A session on `modelPath` through the cache in `dir` (no cache when undefined), and where it came from. */
export async function createCachedSession(
  modelPath: string,
  options: ort.InferenceSession.SessionOptions,
  dir: string | undefined,
): Promise<{ session: ort.InferenceSession; from: 'cache' | 'model' }> {
  const entry = dir && cachedGraphPath(dir, modelPath, options);
  if (!entry) return { session: await ort.InferenceSession.create(modelPath, options), from: 'model' };
  if (existsSync(entry)) {
    try {
      const session = await openCachedGraph(entry, options);
      touch(entry);
      return { session, from: 'cache' };
    } catch {
      removeQuietly(entry); // unusable (truncated, another onnxruntime's): rewritten below
    }
  }
  const saved = await createAndSave(modelPath, options, entry);
  return { session: saved ?? (await ort.InferenceSession.create(modelPath, options)), from: 'model' };
}

/** Cached graphs' bytes, alive as long as their sessions: onnxruntime reads the weights in place. */
const pinned = new WeakMap<ort.InferenceSession, Buffer>();

/** Opens a cached ORT-format graph from memory, its weights used where they lie rather than copied
 * (about a quarter less CPU time than opening the file for the default model's UNet). */
async function openCachedGraph(
  entry: string,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  const bytes = readFileSync(entry);
  const config = { ...(options.extra?.session as Record<string, string> | undefined) };
  const session = await ort.InferenceSession.create(bytes, {
    ...options,
    extra: {
      ...options.extra,
      session: { ...config, use_ort_model_bytes_directly: '1', use_ort_model_bytes_for_initializers: '1' },
    },
  });
  pinned.set(session, bytes);
  return session;
}

/** Creates the session while onnxruntime writes its optimized graph, then moves the file into place
 * (a rename, so concurrent engines never read half a file). Undefined when that failed: the caller
 * opens the model without the cache, which reports the model's own error if it has one. */
async function createAndSave(
  modelPath: string,
  options: ort.InferenceSession.SessionOptions,
  entry: string,
): Promise<ort.InferenceSession | undefined> {
  // onnxruntime picks the format from the extension, so the temporary name ends in .ort too.
  const temporary = `${entry.slice(0, -'.ort'.length)}.${process.pid}-${Date.now()}.tmp.ort`;
  try {
    mkdirSync(dirname(entry), { recursive: true });
    // Severity 3 (errors only) silences the warning that an 'all'-level graph is hardware-specific: see above.
    const saving = { ...options, optimizedModelFilePath: temporary, logSeverityLevel: 3 as const };
    const session = await ort.InferenceSession.create(modelPath, saving);
    try {
      renameSync(temporary, entry);
      prune(dirname(entry));
    } catch {
      removeQuietly(temporary); // the session is fine; only the cache missed out
    }
    return session;
  } catch {
    removeQuietly(temporary);
    return undefined;
  }
}

/** Marks a cache file as used now: pruning goes by modification time. */
function touch(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    // read-only cache: it still serves
  }
}

/** Deletes the least recently used cache files (graphs, and the engine's code caches: engineStart.ts) beyond
 * KEEP_FILES files or KEEP_BYTES bytes. */
function prune(dir: string): void {
  const files = readdirSync(dir)
    .filter((name) => /\.(ort|v8)$/.test(name) && !name.endsWith('.tmp.ort'))
    .map((name) => ({ path: join(dir, name), stat: statSync(join(dir, name)) }))
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
  let bytes = 0;
  files.forEach(({ path, stat }, i) => {
    bytes += stat.size;
    if (i >= KEEP_FILES || bytes > KEEP_BYTES) removeQuietly(path);
  });
}
