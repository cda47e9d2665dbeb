// One onnxruntime session with its I/O read from the session metadata. Callers pass float32 /
// integer values; the declared types (float16, int32, int64, ...) are produced here, and float
// outputs come back as float32.
import * as ort from 'onnxruntime-node';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EngineFailure } from './engineFailure';
import { fromFloat16, toFloat16 } from './float16';

/** Below this size (graph + external weights) a CPU session runs on one thread: splitting small ops
 * across threads cost more than it saved (the default model's UNet step: 2.3 ms on one thread, 6.4 ms
 * on ORT's default pool, on 2 busy cores), and spinning pool threads stall when cores are shared. */
const SMALL_MODEL_BYTES = 32 * 2 ** 20;

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

export class OnnxModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** Path relative to the model folder, for messages. */
    readonly label: string,
    readonly inputs: TensorInfo[],
    readonly outputs: TensorInfo[],
  ) {}

  /** Creates the session on one execution provider; throws (no silent fallback) when it cannot start. */
  static async create(path: string, label: string, provider: string): Promise<OnnxModel> {
    const session = await ort.InferenceSession.create(path, {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      ...(provider === 'cpu' && componentBytes(path) < SMALL_MODEL_BYTES ? { intraOpNumThreads: 1 } : {}),
    });
    const info = (m: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] =>
      m.map((v) => (v.isTensor ? { name: v.name, type: v.type, shape: v.shape } : { name: v.name, type: 'non-tensor', shape: [] }));
    return new OnnxModel(session, label, info(session.inputMetadata), info(session.outputMetadata));
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
      const dims = Object.entries(feeds).map(([n, f]) => `${n} [${f.dims.join(', ')}]`).join(', ');
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
      return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(Math.round(v))), dims);
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

/** Bytes of a component folder: the graph and any external weights beside it. */
function componentBytes(path: string): number {
  const dir = dirname(path);
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}
