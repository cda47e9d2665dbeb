// One onnxruntime session with its I/O read from the session metadata. Callers pass float32 /
// integer values; the declared types (float16, int32, int64, ...) are produced here, and float
// outputs come back as float32.
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { EngineFailure } from './engineFailure';
import { fromFloat16, toFloat16 } from './float16';
import { cachedGraphPath, componentFiles, createCachedSession } from './graphCache';

/** Below this size (graph + external weights) a CPU session runs on at most SMALL_MODEL_THREADS
 * threads that sleep rather than spin between ops. ORT's default pool (a spinning thread per core)
 * cost more than it saved on small ops (the default model's UNet step: 2.3 ms on one thread, 6.4 ms on
 * the default pool, on 2 busy cores); two threads that do not spin ran a step in 6.5 ms of wall time
 * for 5.9 ms of CPU time where one thread took 17 ms for 5.2 ms (2 cores at load 12): a thread that
 * sleeps between ops gets the core back sooner from the scheduler than one that never yields. */
export const SMALL_MODEL_BYTES = 32 * 2 ** 20;
const SMALL_MODEL_THREADS = 2;

export interface TensorInfo {
  name: string;
  type: string;
  /** Numbers for fixed dimensions, names (or -1) for free ones. */
  shape: readonly (number | string)[];
}

export interface Feed {
  data: Float32Array | number[];
  dims: readonly number[];
}

export interface Output {
  data: Float32Array;
  dims: number[];
}

/** How OnnxModel.create opens a session beyond its provider. */
export interface SessionSettings {
  /** Where optimized CPU graphs are kept (graphCache.ts); none: every session optimizes its graph. */
  graphCacheDir?: string;
  /** onnxruntime's CPU memory arena (default on). Off applies to components of SMALL_MODEL_BYTES and more:
   * below, the pool is small, and freeing activations per op cost the default model's UNet 9.2 ms of CPU
   * per call against 6.3 ms with the arena (best of 8 alternating rounds, 2 threads). */
  cpuArena?: boolean;
  /** Intra-op threads of a small component on cpu (default SMALL_MODEL_THREADS): 1 for a UNet that runs
   * beside its peer (unetPeer.ts), which takes the other core. */
  threads?: number;
}

export class OnnxModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** Path relative to the model folder, for messages. */
    readonly label: string,
    readonly inputs: TensorInfo[],
    readonly outputs: TensorInfo[],
    /** Bytes of the graph and its external weights. */
    readonly bytes: number,
  ) {}

  /** Creates the session on one execution provider; throws (no silent fallback) when it cannot start.
   * On cpu, optimized graphs are kept in `graphCacheDir` (see graphCache.ts) when one is given.
   * `cpuArena` false: onnxruntime's CPU memory arena off for a large component, so activations are freed
   * rather than pooled. */
  static async create(path: string, label: string, provider: string, opts: SessionSettings = {}): Promise<OnnxModel> {
    const bytes = componentBytes(path);
    const small = bytes < SMALL_MODEL_BYTES;
    const options: ort.InferenceSession.SessionOptions = {
      ...baseOptions(provider),
      enableCpuMemArena: small || (opts.cpuArena ?? true),
      ...(provider === 'cpu' && small ? smallModelThreads(opts.threads ?? SMALL_MODEL_THREADS) : {}),
    };
    // Other providers' optimized graphs depend on their device and versions: those open from the model.
    const { session } = await createCachedSession(path, options, provider === 'cpu' ? opts.graphCacheDir : undefined);
    const info = (m: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] =>
      m.map((v) =>
        v.isTensor ? { name: v.name, type: v.type, shape: v.shape } : { name: v.name, type: 'non-tensor', shape: [] },
      );
    return new OnnxModel(session, label, info(session.inputMetadata), info(session.outputMetadata), bytes);
  }

  input(name: string): TensorInfo {
    const found = this.inputs.find((i) => i.name === name);
    if (!found) throw new EngineFailure('MODEL_INVALID', `${this.label} has no input "${name}"`);
    return found;
  }

  /** The fixed batch size of an input, or undefined when the batch dimension is free. */
  fixedBatch(name: string): number | undefined {
    const d = this.input(name).shape[0];
    return typeof d === 'number' && d > 0 ? d : undefined;
  }

  async run(feeds: Record<string, Feed>): Promise<Record<string, Output>> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) tensors[name] = toTensor(this.input(name).type, feed);
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(tensors);
    } catch (err) {
      const dims = Object.entries(feeds)
        .map(([n, f]) => `${n} [${f.dims.join(', ')}]`)
        .join(', ');
      throw new Error(`${this.label} failed on ${dims}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
    const out: Record<string, Output> = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { data: toFloat32(t, this.label), dims: [...t.dims] };
      t.dispose();
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }

  /** "name [dims] type" lines for messages about mismatched models. */
  describe(): string {
    const fmt = (l: TensorInfo[]) => l.map((t) => `${t.name} [${t.shape.join(', ')}] ${t.type}`).join(', ');
    return `${fmt(this.inputs)} → ${fmt(this.outputs)}`;
  }
}

/** What a session's optimized graph depends on (graphCache.ts keys on these). */
function baseOptions(provider: string): ort.InferenceSession.SessionOptions {
  return { executionProviders: [provider], graphOptimizationLevel: 'all' };
}

/** Whether the graph at `path` opens on cpu from an optimized graph an earlier session saved in `graphCacheDir`. */
export function cpuGraphCached(path: string, graphCacheDir: string | undefined): boolean {
  const entry = graphCacheDir && cachedGraphPath(graphCacheDir, path, baseOptions('cpu'));
  return !!entry && existsSync(entry);
}

function smallModelThreads(threads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: Math.min(threads, availableParallelism()),
    extra: { session: { 'intra_op.allow_spinning': '0' } },
  };
}

function toTensor(type: string, { data, dims }: Feed): ort.Tensor {
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  switch (type) {
    case 'float32':
      return new ort.Tensor('float32', values, dims);
    case 'float16':
      return new ort.Tensor('float16', toFloat16(values), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(values), dims);
    case 'int64':
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(Math.round(v))),
        dims,
      );
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(values, Math.round), dims);
    default:
      throw new EngineFailure('MODEL_INVALID', `unsupported input type ${type}`);
  }
}

function toFloat32(t: ort.Tensor, label: string): Float32Array {
  switch (t.type) {
    case 'float32':
      return t.data as Float32Array;
    case 'float16':
      return fromFloat16(t.data as Uint16Array);
    case 'float64':
      return Float32Array.from(t.data as Float64Array);
    default:
      throw new EngineFailure('MODEL_INVALID', `${label} returns ${t.type}; a float output was expected`);
  }
}

/** Bytes of a component's graph and its external weights. */
export function componentBytes(path: string): number {
  return componentFiles(path).reduce((sum, f) => sum + f.size, 0);
}
