// Text edits that fix common schedule problems, computed with jsonc-parser so the rest of the file
// (formatting, key order) is untouched. Pure: the code-action provider wraps them for VS Code.
import { readSchedulerConfig } from '../../core/config/readSchedulerConfig';
import { SCHEDULER_CLASSES } from '../../core/config/schedulerClasses';
import { suggestKey } from '../../core/config/suggestKey';
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, type Edit } from '../../documents/jsonc';

export interface QuickFix {
  title: string;
  edits: Edit[];
  /** The fix VS Code applies with one keystroke (Ctrl+. first entry / auto-fix). */
  preferred?: boolean;
}

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/** Path of the config object that holds `path` in a scheduler_config.json (the root) or a schedule file. */
export function configPathOf(
  path: readonly (string | number)[],
  kind: 'config' | 'scheduleFile',
): (string | number)[] | undefined {
  if (kind === 'config') return [];
  return path[0] === 'schedules' && typeof path[1] === 'string' ? ['schedules', path[1], 'config'] : undefined;
}

/** Lin et al. 2023's remedies for a nonzero terminal SNR: trailing spacing, which starts sampling at
 * t = T−1, and rescaled betas, which make that step pure noise (for v-prediction models: with
 * epsilon-prediction the model cannot predict at zero SNR). Preferred is the one that fits the model. */
export function zeroSnrFixes(text: string, configPath: (string | number)[]): QuickFix[] {
  const root = parseTree(text);
  const config = root && findNodeAtLocation(root, configPath);
  if (!config || config.type !== 'object') return [];
  const value = (key: string): unknown => findNodeAtLocation(config, [key])?.value;
  const vPrediction = value('prediction_type') === 'v_prediction';
  const fixes: QuickFix[] = [];
  if (value('timestep_spacing') !== 'trailing') {
    fixes.push({
      title: 'Use trailing spacing',
      edits: setKeys(text, configPath, { timestep_spacing: 'trailing' }),
      preferred: !vPrediction,
    });
  }
  if (value('timestep_spacing') !== 'trailing' || value('rescale_betas_zero_snr') !== true) {
    fixes.push({
      title: 'Use trailing spacing and rescale_betas_zero_snr (zero terminal SNR, for v-prediction models)',
      edits: setKeys(text, configPath, { timestep_spacing: 'trailing', rescale_betas_zero_snr: true }),
      preferred: vPrediction,
    });
  }
  return fixes;
}

/** One minimal edit that sets each key of `values` in the object at `objectPath`. */
function setKeys(text: string, objectPath: (string | number)[], values: Record<string, unknown>): Edit[] {
  // Edits from separate modify() calls would overlap; apply them in turn, then diff once.
  let after = text;
  for (const [key, v] of Object.entries(values))
    after = applyEdits(after, modify(after, [...objectPath, key], v, FORMAT));
  return [minimalEdit(text, after)];
}

/** Fixes keyed by the finding codes of the document reader and the core's config reader; `path` is
 * the finding's JSON path, `configPath` the path of the config object it is in. */
export function quickFixesFor(
  text: string,
  code: string,
  path: (string | number)[],
  configPath: (string | number)[] | undefined,
): QuickFix[] {
  const key = path.at(-1);
  const exists = (p: (string | number)[]) => {
    const root = parseTree(text);
    return !!root && !!findNodeAtLocation(root, p);
  };
  const remove = (p: (string | number)[], title: string): QuickFix => ({
    title,
    edits: modify(text, p, undefined, FORMAT),
  });
  const set = (values: Record<string, unknown>, title: string): QuickFix => ({
    title,
    edits: setKeys(text, configPath!, values),
  });
  switch (code) {
    case 'unknown-key': {
      if (typeof key !== 'string' || !exists(path)) return [];
      const rename = configPath ? renameToSuggestion(text, configPath, path, key) : undefined;
      const drop = remove(path, `Remove "${key}" (it has no effect)`);
      return rename ? [rename, drop] : [{ ...drop, preferred: true }];
    }
    case 'compatible-class-key':
    case 'spacing-ignored':
    case 'steps-offset-ignored':
      return typeof key === 'string' && exists(path)
        ? [{ ...remove(path, `Remove "${key}" (it has no effect)`), preferred: true }]
        : [];
    case 'timesteps-and-sigmas': {
      const entry = path.slice(0, -1);
      return [
        remove([...entry, 'sigmas'], 'Keep timesteps, remove sigmas'),
        remove([...entry, 'timesteps'], 'Keep sigmas, remove timesteps'),
      ];
    }
    case 'betas-override':
      return [remove([...path.slice(0, -1), 'config', 'trained_betas'], "Remove the config's trained_betas")];
    case 'nonzero-terminal-snr-leading':
    case 'zero-snr-leading':
      return configPath ? zeroSnrFixes(text, configPath) : [];
    case 'zero-snr-epsilon':
      return configPath
        ? [
            set({ rescale_betas_zero_snr: false }, 'Turn off rescale_betas_zero_snr (the model predicts epsilon)'),
            set({ prediction_type: 'v_prediction' }, 'Set prediction_type to v_prediction (for a v-prediction model)'),
          ]
        : [];
    case 'invalid-value':
    case 'unsupported-beta-schedule':
    case 'remapped-value':
      return typeof key === 'string' && configPath
        ? allowedValues(text, configPath, key).map((v) => ({
            title: `Use "${v}"`,
            edits: modify(text, path, v, FORMAT),
          }))
        : [];
    default:
      return [];
  }
}

/** "Rename to …" for a misspelt key, when the class has a key within typo distance that the config
 * does not set yet; the edit replaces the key's text only. */
function renameToSuggestion(
  text: string,
  configPath: (string | number)[],
  path: (string | number)[],
  key: string,
): QuickFix | undefined {
  const root = parseTree(text);
  const config = root && findNodeAtLocation(root, configPath);
  const keyNode = root && findNodeAtLocation(root, path)?.parent?.children?.[0];
  if (!config || config.type !== 'object' || !keyNode) return undefined;
  const className = readSchedulerConfig(getNodeValue(config)).className;
  const near = className ? suggestKey(key, Object.keys(SCHEDULER_CLASSES[className].keys)) : undefined;
  if (!near || findNodeAtLocation(config, [near])) return undefined;
  const edit = { offset: keyNode.offset, length: keyNode.length, content: JSON.stringify(near) };
  return { title: `Rename to "${near}"`, edits: [edit], preferred: true };
}

/** The values the config's class implements for `key`, from the core's class table. */
function allowedValues(text: string, configPath: (string | number)[], key: string): string[] {
  const root = parseTree(text);
  const node = root && findNodeAtLocation(root, configPath);
  if (!node || node.type !== 'object') return [];
  const className = readSchedulerConfig(getNodeValue(node)).className;
  return [...(className ? (SCHEDULER_CLASSES[className].keys[key]?.enum ?? []) : [])];
}

/** One edit from `before` to `after` covering only the span that changed. */
function minimalEdit(before: string, after: string): Edit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  return { offset: start, length: endB - start, content: after.slice(start, endA) };
}
