/** What is known about a diffusers/Optimum ONNX model folder, as plain data: the parsed JSON files and each
 * graph's inputs and outputs (as onnxruntime's `session.inputMetadata` / `outputMetadata` give them). */

export type JsonObject = Readonly<Record<string, unknown>>;

export interface TensorInfo {
  readonly name: string;
  /** onnxruntime's element type name: 'float32', 'float16', 'int64', 'int32', … */
  readonly type: string;
  /** Fixed sizes as numbers, symbolic (dynamic) axes by name; [] for a rank-0 tensor. */
  readonly shape: readonly (number | string)[];
}

export interface GraphIo {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

export interface ModelFolderFacts {
  /** model_index.json, when the folder has one. */
  readonly modelIndex?: JsonObject;
  /** Per component folder: its config.json (scheduler: scheduler_config.json). */
  readonly configs: Readonly<Record<string, JsonObject | undefined>>;
  /** Per component folder holding a model.onnx: its graph's inputs and outputs. */
  readonly graphs: Readonly<Record<string, GraphIo | undefined>>;
  /** Every component folder present (tokenizer_2 included), e.g. from listing the model folder. */
  readonly folders: readonly string[];
}

export function tensor(list: readonly TensorInfo[] | undefined, name: string): TensorInfo | undefined {
  return list?.find((t) => t.name === name);
}

/** A fixed size of axis `axis` (negative counts from the end), or undefined when symbolic or absent. */
export function fixedDim(t: TensorInfo | undefined, axis: number): number | undefined {
  const d = t?.shape.at(axis);
  return typeof d === 'number' ? d : undefined;
}

export function numberKey(config: JsonObject | undefined, key: string): number | undefined {
  const v = config?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function stringKey(config: JsonObject | undefined, key: string): string | undefined {
  const v = config?.[key];
  return typeof v === 'string' ? v : undefined;
}
