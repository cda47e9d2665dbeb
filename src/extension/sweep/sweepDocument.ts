// Reads a *.sweep.json text into its sweep and findings that carry text offsets, for diagnostics
// and the grid view. Pure (no vscode): tests run it in plain Node.
import type { Finding } from '../../core/config/findings';
import { DEFAULT_CELL_LIMIT, MAX_SWEEP_NESTING, parseSweep, type Sweep, type SweepFiles } from '../../protocol/sweep';
import { tooDeepAt } from '../../core/config/jsonNesting';
import { findNodeAtLocation, parseTree, type Node, type ParseError } from '../../documents/jsonc';
import { describeSyntaxError } from '../../documents/jsonSyntax';
import { spanOf } from '../../documents/scheduleDocument';

export interface LocatedSweepFinding extends Finding {
  offset: number;
  length: number;
}

export interface SweepDocument {
  sweep?: Sweep;
  findings: LocatedSweepFinding[];
}

export function isSweepFile(fileName: string): boolean {
  return /\.sweep\.json$/.test(fileName);
}

/** With `files`, the models and files the sweep names are checked too (the host reads them). */
export function readSweepDocument(text: string, cellLimit = DEFAULT_CELL_LIMIT, files?: SweepFiles): SweepDocument {
  const deep = tooDeepAt(text, MAX_SWEEP_NESTING);
  if (deep !== undefined) {
    const message = `Nested more than ${MAX_SWEEP_NESTING} levels deep; a sweep needs at most 5.`;
    return { findings: [{ severity: 'error', code: 'too-deep', path: [], message, offset: deep, length: 1 }] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length || !root) {
    const e = errors[0];
    const message = e ? describeSyntaxError(e, text) : 'The file is empty; expected a sweep object.';
    return {
      findings: [
        {
          severity: 'error',
          code: 'syntax',
          path: [],
          message,
          offset: e?.offset ?? 0,
          length: Math.max(e?.length ?? 0, 1),
        },
      ],
    };
  }
  const { sweep, findings } = parseSweep(JSON.parse(text), { cellLimit, files });
  return { sweep, findings: findings.map((f) => ({ ...f, ...spanAt(root, f) })) };
}

/** The text of the deepest node on the finding's path that exists; an unknown field is marked at its name. */
function spanAt(root: Node, f: Finding): { offset: number; length: number } {
  for (let n = f.path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, f.path.slice(0, n));
    if (!node) continue;
    const key = node.parent?.type === 'property' ? node.parent.children![0] : undefined;
    if (key && n === f.path.length && f.code === 'unknown-field') return { offset: key.offset, length: key.length };
    return spanOf(node);
  }
  return { offset: root.offset, length: 1 };
}
