// Messages between the model-folder inspector (webview/modelInspector) and its host
// (src/extension/modelInspector), and the report it shows.
import type { TensorInfo } from '../core/model/modelFacts';

export interface GraphReport {
  bytes: number;
  opset?: number;
  producer?: string;
  /** float16 when any input or output is float16, else float32 (the precision the graph is fed in). */
  precision: string;
  /** Weights beside the graph, with their sizes when the file is there (absent: missing). */
  externalData: { file: string; bytes?: number }[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export interface ComponentReport {
  folder: string;
  /** config.json (scheduler_config.json for scheduler/) present. */
  config: boolean;
  graph?: GraphReport;
  /** A graph that could not be read, and why. */
  graphError?: string;
}

export interface ModelReport {
  dir: string;
  name: string;
  family: string;
  architecture: string;
  optimumGeneration: string;
  predictionType: string;
  recommended: { width: number; height: number; steps: number; guidance: number; scheduler: string };
  recommendedSource: string;
  evidence: string[];
  findings: { severity: string; path: string; message: string }[];
  components: ComponentReport[];
  /** Every file of the folder together. */
  totalBytes: number;
}

/** Host → inspector. */
export type ToModelInspector = { type: 'report'; report: ModelReport } | { type: 'error'; message: string };

/** Inspector → host. */
export type FromModelInspector = { type: 'ready' } | { type: 'refresh' };

export function isFromModelInspector(m: unknown): m is FromModelInspector {
  const type = typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined;
  return type === 'ready' || type === 'refresh';
}
