// An ONNX graph's inputs, outputs and opset read straight from the protobuf, without onnxruntime:
// the host may not load onnxruntime (only the engine process does), and a model folder's inspector
// should answer in milliseconds even for a 1.7 GB graph with its weights inside. Only the fields
// named below are decoded; everything else (weights, nodes) is skipped by its length, unread.
// Field numbers: onnx/onnx.proto (ModelProto, GraphProto, ValueInfoProto, TypeProto, TensorProto).
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { GraphIo, TensorInfo } from '../core/model/modelFacts';

export interface OnnxGraphInfo extends GraphIo {
  /** The default-domain opset the graph targets. */
  opset?: number;
  irVersion?: number;
  producer?: string;
  /** Weights stored beside the graph (TensorProto data_location EXTERNAL), by file name. */
  externalData: string[];
  /** Graph file size in bytes. */
  bytes: number;
}

/** onnxruntime's names for ONNX element types (TensorProto.DataType). */
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

/** Reads a file through a small window, so skipping a field costs nothing and memory stays flat. */
class FileBytes {
  private window = Buffer.alloc(64 * 1024);
  private start = 0;
  private length = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  byte(at: number): number {
    if (at < this.start || at >= this.start + this.length) {
      this.start = at;
      this.length = readSync(this.fd, this.window, 0, this.window.length, at);
      if (this.length === 0) throw new Error(`the file ends at byte ${at}`);
    }
    return this.window[at - this.start];
  }

  text(at: number, length: number): string {
    const out = Buffer.alloc(length);
    readSync(this.fd, out, 0, length, at);
    return out.toString('utf8');
  }
}

interface Field {
  number: number;
  /** The value of a varint field. */
  value: number;
  /** Where a length-delimited field's bytes are. */
  start: number;
  end: number;
}

/** The fields of the message in [start, end), one at a time. */
function* fields(bytes: FileBytes, start: number, end: number): Generator<Field> {
  let at = start;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = bytes.byte(at++);
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new Error(`a malformed number at byte ${at}`);
  };
  while (at < end) {
    const tag = varint();
    const wire = tag % 8;
    const number = Math.floor(tag / 8);
    if (wire === 0) yield { number, value: varint(), start: at, end: at };
    else if (wire === 2) {
      const length = varint();
      if (at + length > end) throw new Error(`field ${number} runs past its message (byte ${at})`);
      yield { number, value: length, start: at, end: at + length };
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`unsupported wire type ${wire} at byte ${at}`);
  }
}

function valueInfo(bytes: FileBytes, f: Field): TensorInfo {
  let name = '';
  let type = 'non-tensor';
  const shape: (number | string)[] = [];
  for (const v of fields(bytes, f.start, f.end)) {
    if (v.number === 1) name = bytes.text(v.start, v.end - v.start);
    if (v.number !== 2) continue;
    for (const t of fields(bytes, v.start, v.end)) {
      if (t.number !== 1) continue; // tensor_type
      for (const tt of fields(bytes, t.start, t.end)) {
        if (tt.number === 1) type = ELEMENT_TYPES[tt.value] ?? `type ${tt.value}`;
        if (tt.number !== 2) continue;
        for (const dim of fields(bytes, tt.start, tt.end)) {
          if (dim.number !== 1) continue;
          let d: number | string = '?';
          for (const x of fields(bytes, dim.start, dim.end)) {
            if (x.number === 1) d = x.value;
            if (x.number === 2) d = bytes.text(x.start, x.end - x.start);
          }
          shape.push(d);
        }
      }
    }
  }
  return { name, type, shape };
}

/** An initializer's name, and its external data file when it has one (TensorProto fields 8, 13, 14). */
function initializer(bytes: FileBytes, f: Field): { name: string; file?: string } {
  let name = '';
  let external = false;
  let file: string | undefined;
  for (const t of fields(bytes, f.start, f.end)) {
    if (t.number === 8) name = bytes.text(t.start, t.end - t.start);
    if (t.number === 14) external = t.value === 1;
    if (t.number !== 13) continue;
    let key = '';
    for (const kv of fields(bytes, t.start, t.end)) {
      if (kv.number === 1) key = bytes.text(kv.start, kv.end - kv.start);
      if (kv.number === 2 && key === 'location') file = bytes.text(kv.start, kv.end - kv.start);
    }
  }
  return { name, file: external ? file : undefined };
}

export function readOnnxGraphInfo(path: string): OnnxGraphInfo {
  // Opening a FIFO or a device would block or never end: only a regular file is read.
  if (!statSync(path).isFile()) throw new Error(`${path} is not a regular file`);
  const fd = openSync(path, 'r');
  try {
    const bytes = new FileBytes(fd, fstatSync(fd).size);
    const info: Omit<OnnxGraphInfo, 'inputs' | 'outputs'> = { externalData: [], bytes: bytes.size };
    const inputs: TensorInfo[] = [];
    const outputs: TensorInfo[] = [];
    const weights = new Set<string>();
    const external = new Set<string>();
    for (const m of fields(bytes, 0, bytes.size)) {
      if (m.number === 1) info.irVersion = m.value;
      if (m.number === 2) info.producer = bytes.text(m.start, m.end - m.start);
      if (m.number === 8) {
        let domain = '';
        let version: number | undefined;
        for (const o of fields(bytes, m.start, m.end)) {
          if (o.number === 1) domain = bytes.text(o.start, o.end - o.start);
          if (o.number === 2) version = o.value;
        }
        if (domain === '' || domain === 'ai.onnx') info.opset = version;
      }
      if (m.number !== 7) continue;
      for (const g of fields(bytes, m.start, m.end)) {
        if (g.number === 11) inputs.push(valueInfo(bytes, g));
        if (g.number === 12) outputs.push(valueInfo(bytes, g));
        if (g.number !== 5) continue;
        const w = initializer(bytes, g);
        weights.add(w.name);
        if (w.file) external.add(w.file);
      }
    }
    info.externalData = [...external].sort();
    // Graphs of IR version < 4 list their weights among the inputs too; onnxruntime does not.
    return { ...info, inputs: inputs.filter((t) => !weights.has(t.name)), outputs };
  } catch (err) {
    throw new Error(`${path} is not a readable ONNX model: ${(err as Error).message}`, { cause: err });
  } finally {
    closeSync(fd);
  }
}
