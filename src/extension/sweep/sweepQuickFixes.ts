// Text edits that fix common sweep problems, computed with jsonc-parser so the rest of the file is
// untouched. Pure: the code-action provider wraps them for VS Code.
import { suggestKey } from '../../core/config/suggestKey';
import { fieldsAt, SWEEP_VERSION } from '../../protocol/sweep';
import { AXIS_FIELD_NAMES } from '../../protocol/sweepAxes';
import type { QuickFix } from '../schedule/quickFixes';
import { findNodeAtLocation, modify, parseTree, type Edit, type Node } from '../../documents/jsonc';

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/** Fixes for a finding (its `code` at JSON `path`) of a sweep file's text. */
export function sweepQuickFixes(text: string, code: string, at: readonly (string | number)[]): QuickFix[] {
  const path = [...at];
  const root = parseTree(text);
  const node = root && findNodeAtLocation(root, path);
  if (!node) return [];
  const key = path.at(-1);
  const remove = (title: string): QuickFix => ({ title, edits: modify(text, path, undefined, FORMAT) });
  switch (code) {
    case 'unknown-field': {
      // An axis's "field" value names an unknown run field; elsewhere the key itself is unknown.
      if (key === 'field') return suggestion(text, path, node.value, AXIS_FIELD_NAMES, true);
      if (typeof key !== 'string') return [];
      const rename = suggestion(text, path, key, fieldsAt(path.slice(0, -1)), false);
      return [...rename, { ...remove(`Remove "${key}"`), preferred: rename.length === 0 }];
    }
    case 'duplicate-value':
      return [{ title: 'Remove the repeated value', edits: [removeItem(node)], preferred: true }];
    case 'engine-refuses':
    case 'bad-file':
      // A value on an axis that the engine, a model or a missing file refuses; not the axis's last one.
      return path.length === 3 && path[1] === 'values' && node.parent!.children!.length > 1
        ? [{ title: `Remove ${JSON.stringify(node.value)} from axis ${String(path[0])}`, edits: [removeItem(node)] }]
        : [];
    case 'bad-version':
      return [
        { title: `Set version ${SWEEP_VERSION}`, edits: modify(text, path, SWEEP_VERSION, FORMAT), preferred: true },
      ];
    default:
      return [];
  }
}

/** The edit taking a list item out with its separating comma (jsonc-parser's modify garbles one-line
 * lists when it reformats them). */
function removeItem(node: Node): Edit {
  const items = node.parent!.children!;
  const i = items.indexOf(node);
  const [from, to] =
    i > 0
      ? [items[i - 1].offset + items[i - 1].length, node.offset + node.length]
      : [node.offset, items[1]?.offset ?? node.offset + node.length];
  return { offset: from, length: to - from, content: '' };
}

/** "Use …" for a misspelt name: the value replaced, or the key renamed in place. */
function suggestion(
  text: string,
  path: (string | number)[],
  name: unknown,
  known: readonly string[],
  value: boolean,
): QuickFix[] {
  const suggested = typeof name === 'string' ? suggestKey(name, known) : undefined;
  if (!suggested) return [];
  if (value) return [{ title: `Use "${suggested}"`, edits: modify(text, path, suggested, FORMAT), preferred: true }];
  const keyNode = findNodeAtLocation(parseTree(text)!, path)!.parent!.children![0];
  const edit = { offset: keyNode.offset, length: keyNode.length, content: JSON.stringify(suggested) };
  return [{ title: `Rename to "${suggested}"`, edits: [edit], preferred: true }];
}
