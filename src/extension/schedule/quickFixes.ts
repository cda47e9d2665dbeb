// Text edits that fix common schedule problems, computed with jsonc-parser so the rest of the file
// (formatting, key order) is untouched. Pure: the code-action provider wraps them for VS Code.
import { applyEdits, findNodeAtLocation, modify, parseTree, type Edit } from './jsonc';

export interface QuickFix {
  title: string;
  edits: Edit[];
  /** The fix VS Code applies with one keystroke (Ctrl+. first entry / auto-fix). */
  preferred?: boolean;
}

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/** Path of the config object that holds `path` in a scheduler_config.json (the root) or a schedule file. */
export function configPathOf(path: readonly (string | number)[], kind: 'config' | 'scheduleFile'): (string | number)[] | undefined {
  if (kind === 'config') return [];
  return path[0] === 'schedules' && typeof path[1] === 'string' ? ['schedules', path[1], 'config'] : undefined;
}

/** Lin et al. 2023's remedy for a nonzero terminal SNR: trailing spacing plus rescaled betas. */
export function zeroSnrFix(text: string, configPath: (string | number)[]): QuickFix | undefined {
  const root = parseTree(text);
  const config = root && findNodeAtLocation(root, configPath);
  if (!config || config.type !== 'object') return undefined;
  const spacing = findNodeAtLocation(config, ['timestep_spacing'])?.value;
  const rescaled = findNodeAtLocation(config, ['rescale_betas_zero_snr'])?.value;
  if (spacing === 'trailing' && rescaled === true) return undefined;
  // Edits from separate modify() calls would overlap offsets; apply them one after another instead.
  const afterFirst = applyEdits(text, modify(text, [...configPath, 'timestep_spacing'], 'trailing', FORMAT));
  const after = applyEdits(afterFirst, modify(afterFirst, [...configPath, 'rescale_betas_zero_snr'], true, FORMAT));
  return { title: 'Use trailing spacing and rescale_betas_zero_snr (zero terminal SNR)', edits: [minimalEdit(text, after)], preferred: true };
}

/** Fixes keyed by finding code; `path` is the finding's JSON path. */
export function quickFixesFor(text: string, code: string, path: (string | number)[], configPath: (string | number)[] | undefined): QuickFix[] {
  const key = path.at(-1);
  const remove = (p: (string | number)[], title: string): QuickFix => ({ title, edits: modify(text, p, undefined, FORMAT) });
  const fixes: QuickFix[] = [];
  if (/unknown-key|ignored-key|foreign-key|unused-key/.test(code) && typeof key === 'string') fixes.push({ ...remove(path, `Remove "${key}"`), preferred: true });
  if (/steps-offset/.test(code)) fixes.push(remove(path, 'Remove "steps_offset" (it acts with leading spacing only)'));
  if (code === 'timesteps-and-sigmas') {
    const entry = path.slice(0, -1);
    fixes.push(remove([...entry, 'sigmas'], 'Keep timesteps, remove sigmas'), remove([...entry, 'timesteps'], 'Keep sigmas, remove timesteps'));
  }
  if (code === 'betas-override') fixes.push(remove([...path.slice(0, -1), 'config', 'trained_betas'], 'Remove the config\'s trained_betas'));
  if (/terminal-snr|zero-snr/.test(code) && configPath) {
    const fix = zeroSnrFix(text, configPath);
    if (fix) fixes.push(fix);
  }
  return fixes;
}

/** One edit from `before` to `after` covering only the span that changed. */
function minimalEdit(before: string, after: string): Edit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) endB--, endA--;
  return { offset: start, length: endB - start, content: after.slice(start, endA) };
}
