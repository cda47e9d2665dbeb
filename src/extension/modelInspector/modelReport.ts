// A model folder's report for the inspector: what the family recogniser makes of it, and each
// component's files, graph inputs and outputs, opset, precision and external weights.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { recognizeModelFamily } from '../../core/model/modelFamily';
import { componentFolders, folderJsonFacts } from '../../modelFolder/folderFacts';
import { readOnnxGraphInfo, type OnnxGraphInfo } from '../../modelFolder/onnxGraphInfo';
import type { ComponentReport, GraphReport, ModelReport } from '../../protocol/modelInspector';

export function buildModelReport(dir: string): ModelReport {
  const graphs: Record<string, OnnxGraphInfo> = {};
  const components: ComponentReport[] = componentFolders(dir).map((folder) => {
    const configFile = join(dir, folder, folder === 'scheduler' ? 'scheduler_config.json' : 'config.json');
    const component: ComponentReport = { folder, config: existsSync(configFile) };
    const graphPath = join(dir, folder, 'model.onnx');
    if (!existsSync(graphPath)) return component;
    try {
      graphs[folder] = readOnnxGraphInfo(graphPath);
      component.graph = graphReport(join(dir, folder), graphs[folder]);
    } catch (err) {
      component.graphError = (err as Error).message;
    }
    return component;
  });
  const r = recognizeModelFamily(folderJsonFacts(dir, graphs));
  return {
    dir,
    name: basename(dir),
    family: r.family,
    architecture: r.architecture,
    optimumGeneration: r.optimumGeneration,
    predictionType: r.predictionType,
    recommended: { ...r.recommended },
    recommendedSource: r.recommendedSource,
    evidence: [...r.evidence],
    findings: r.findings.map((f) => ({ severity: f.severity, path: f.path.join('.'), message: f.message })),
    components,
    totalBytes: folderBytes(dir),
  };
}

function graphReport(dir: string, g: OnnxGraphInfo): GraphReport {
  const tensors = [...g.inputs, ...g.outputs];
  return {
    bytes: g.bytes,
    opset: g.opset,
    producer: g.producer,
    precision: tensors.some((t) => t.type === 'float16') ? 'float16' : 'float32',
    externalData: g.externalData.map((file) => {
      const path = join(dir, file);
      return { file, bytes: existsSync(path) ? statSync(path).size : undefined };
    }),
    inputs: [...g.inputs],
    outputs: [...g.outputs],
  };
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sum + folderBytes(path);
    return e.isFile() ? sum + statSync(path).size : sum;
  }, 0);
}
