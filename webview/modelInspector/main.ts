// The model-folder inspector: the family and what it is told from, the settings the engine uses for
// it, each component's graph (inputs and outputs with types and shapes, opset, precision, size,
// external weights) and the folder's problems. Everything is text set with textContent.
import type { TensorInfo } from '../../src/core/model/modelFacts';
import type {
  ComponentReport,
  FromModelInspector,
  ModelReport,
  ToModelInspector,
} from '../../src/protocol/modelInspector';
import './modelInspector.css';

declare function acquireVsCodeApi(): { postMessage(message: FromModelInspector): void };

const vscode = acquireVsCodeApi();
const root = el('main', 'inspector');
document.body.append(root);

window.addEventListener('message', (event: MessageEvent<ToModelInspector>) => {
  const m = event.data;
  if (m.type === 'report') render(m.report);
  else root.replaceChildren(el('p', 'error', m.message));
});
vscode.postMessage({ type: 'ready' });

function render(r: ModelReport): void {
  const refresh = el('button', 'refresh', 'Refresh');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  const rec = r.recommended;
  root.replaceChildren(
    el('h1', '', r.name),
    el('p', 'dir', r.dir),
    refresh,
    facts([
      ['Family', r.family],
      ['Architecture', r.architecture],
      ['Optimum export', r.optimumGeneration],
      ['Prediction', r.predictionType],
      ['Runs at', `${rec.width}×${rec.height}, ${rec.steps} steps, guidance ${rec.guidance}, ${rec.scheduler}`],
      ['Size on disk', bytes(r.totalBytes)],
    ]),
    el('p', 'source', `Defaults: ${r.recommendedSource}`),
    section(
      'Problems',
      r.findings.length
        ? list(
            r.findings.map((f) => `${f.severity}: ${f.path ? `${f.path}: ` : ''}${f.message}`),
            'findings',
          )
        : el('p', 'ok', 'None found.'),
    ),
    section('Told from', list(r.evidence, 'evidence')),
    section('Components', ...r.components.map(component)),
  );
}

function component(c: ComponentReport): HTMLElement {
  const box = el('section', 'component');
  box.dataset.folder = c.folder;
  box.append(el('h3', '', c.folder));
  const notes = [c.config ? 'config' : 'no config'];
  if (c.graphError) notes.push(c.graphError);
  const g = c.graph;
  if (g) {
    notes.push(`model.onnx ${bytes(g.bytes)}`, `opset ${g.opset ?? '?'}`, g.precision);
    for (const x of g.externalData) notes.push(`${x.file} ${x.bytes === undefined ? 'MISSING' : bytes(x.bytes)}`);
  }
  box.append(el('p', 'notes', notes.join(' · ')));
  if (g) box.append(io('Inputs', g.inputs), io('Outputs', g.outputs));
  return box;
}

function io(title: string, tensors: readonly TensorInfo[]): HTMLElement {
  const table = el('table', 'io');
  const head = el('tr', '');
  for (const h of [title, 'type', 'shape']) head.append(el('th', '', h));
  table.append(head);
  for (const t of tensors) {
    const row = el('tr', '');
    for (const v of [t.name, t.type, `[${t.shape.join(', ')}]`]) row.append(el('td', '', v));
    table.append(row);
  }
  return table;
}

function facts(rows: [string, string][]): HTMLElement {
  const dl = el('dl', 'facts');
  for (const [k, v] of rows) dl.append(el('dt', '', k), el('dd', '', v));
  return dl;
}

function section(title: string, ...children: HTMLElement[]): HTMLElement {
  const s = el('section', '');
  s.append(el('h2', '', title), ...children);
  return s;
}

function list(items: readonly string[], className: string): HTMLElement {
  const ul = el('ul', className);
  for (const item of items) ul.append(el('li', '', item));
  return ul;
}

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u ? 1 : 0)} ${units[u]}`;
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
