// The `parameters` text that AUTOMATIC1111's web UI writes into a PNG's tEXt chunk and that most
// tools' "PNG info" read: the prompt, an optional "Negative prompt:" block, then one line of
// "Key: value" pairs. Values holding a comma, colon or newline are JSON-quoted, as A1111 does.

export interface A1111Parameters {
  prompt: string;
  negativePrompt: string;
  steps?: number;
  /** A1111's sampler name, e.g. "DPM++ 2M" (older versions append " Karras"). */
  sampler?: string;
  /** "Karras", "Exponential", … (A1111 ≥ 1.9 writes it apart from the sampler). */
  scheduleType?: string;
  cfgScale?: number;
  seed?: number;
  width?: number;
  height?: number;
  modelHash?: string;
  model?: string;
  /** Every other key of the settings line, in order, value unquoted. */
  extra: [string, string][];
}

/** Keys this module knows, in the order A1111 writes them; the rest go to `extra`. */
type KnownKey = 'Steps' | 'Sampler' | 'Schedule type' | 'CFG scale' | 'Seed' | 'Size' | 'Model hash' | 'Model';

export function formatParameters(p: A1111Parameters): string {
  const pairs: [string, string | number | undefined][] = [
    ['Steps', p.steps],
    ['Sampler', p.sampler],
    ['Schedule type', p.scheduleType],
    ['CFG scale', p.cfgScale],
    ['Seed', p.seed],
    ['Size', p.width !== undefined && p.height !== undefined ? `${p.width}x${p.height}` : undefined],
    ['Model hash', p.modelHash],
    ['Model', p.model],
    ...p.extra,
  ];
  const settings = pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => `${key}: ${quote(String(value))}`)
    .join(', ');
  const lines = [p.prompt];
  if (p.negativePrompt) lines.push(`Negative prompt: ${p.negativePrompt}`);
  lines.push(settings);
  return lines.join('\n');
}

// One "Key: value" pair: a key starting with a word character, then a JSON-quoted or plain value.
const PAIR = /\s*(\w[\w \-/+]*):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g;

/** Reads A1111 `parameters` text. A text without a settings line yields only prompts. */
export function parseParameters(text: string): A1111Parameters {
  const lines = text.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const pairs = [...last.matchAll(PAIR)].map((m) => [m[1].trim(), unquote(m[2].trim())] as [string, string]);
  // A1111's own test: a last line with fewer than three pairs is still prompt text.
  const hasSettings = pairs.length >= 3;
  const promptLines = hasSettings ? lines.slice(0, -1) : lines;

  const prompt: string[] = [];
  const negative: string[] = [];
  for (const raw of promptLines) {
    const line = raw.trim();
    if (negative.length === 0 && line.startsWith('Negative prompt:')) negative.push(line.slice('Negative prompt:'.length).trim());
    else (negative.length > 0 ? negative : prompt).push(line);
  }
  const result: A1111Parameters = { prompt: prompt.join('\n').trim(), negativePrompt: negative.join('\n').trim(), extra: [] };
  if (!hasSettings) return result;

  for (const [key, value] of pairs) {
    switch (key as KnownKey) {
      case 'Steps':
        result.steps = toNumber(value);
        break;
      case 'Sampler':
        result.sampler = value;
        break;
      case 'Schedule type':
        result.scheduleType = value;
        break;
      case 'CFG scale':
        result.cfgScale = toNumber(value);
        break;
      case 'Seed':
        result.seed = toNumber(value);
        break;
      case 'Size': {
        const size = /^(\d+)x(\d+)$/.exec(value);
        if (size) [result.width, result.height] = [Number(size[1]), Number(size[2])];
        else result.extra.push([key, value]);
        break;
      }
      case 'Model hash':
        result.modelHash = value;
        break;
      case 'Model':
        result.model = value;
        break;
      default:
        result.extra.push([key, value]);
    }
  }
  return result;
}

function quote(value: string): string {
  return /[,:\n]/.test(value) ? JSON.stringify(value) : value;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    return String(JSON.parse(value));
  } catch {
    return value;
  }
}

function toNumber(value: string): number | undefined {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : undefined;
}
