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
  /** Image-to-image and inpainting: "Denoising strength", "Mask blur" (pixels). */
  denoisingStrength?: number;
  maskBlur?: number;
  /** Every other key of the settings line, in order, value unquoted. */
  extra: [string, string][];
}

/** Keys this module knows, in the order A1111 writes them; the rest go to `extra`. */
type KnownKey =
  | 'Steps'
  | 'Sampler'
  | 'Schedule type'
  | 'CFG scale'
  | 'Seed'
  | 'Size'
  | 'Model hash'
  | 'Model'
  | 'Denoising strength'
  | 'Mask blur';

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
    ['Denoising strength', p.denoisingStrength],
    ['Mask blur', p.maskBlur],
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

/** Longest `parameters` text read: A1111's own are a few kB; a PNG can carry megabytes. */
export const MAX_PARAMETERS_LENGTH = 64 * 1024;

/** Reads A1111 `parameters` text. A text without a settings line yields only prompts. Throws a
 * RangeError for text over MAX_PARAMETERS_LENGTH; runs in time linear in the text otherwise. */
export function parseParameters(text: string): A1111Parameters {
  if (text.length > MAX_PARAMETERS_LENGTH) {
    throw new RangeError(
      `The PNG's parameters text is ${text.length.toLocaleString('en-US')} characters; ` +
        `Diffusion Lab reads at most ${MAX_PARAMETERS_LENGTH.toLocaleString('en-US')}.`,
    );
  }
  const lines = text.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const pairs = settingsPairs(last);
  // A1111's own test: a last line with fewer than three pairs is still prompt text.
  const hasSettings = pairs.length >= 3;
  const promptLines = hasSettings ? lines.slice(0, -1) : lines;

  const prompt: string[] = [];
  const negative: string[] = [];
  for (const raw of promptLines) {
    const line = raw.trim();
    if (negative.length === 0 && line.startsWith('Negative prompt:'))
      negative.push(line.slice('Negative prompt:'.length).trim());
    else (negative.length > 0 ? negative : prompt).push(line);
  }
  const result: A1111Parameters = {
    prompt: prompt.join('\n').trim(),
    negativePrompt: negative.join('\n').trim(),
    extra: [],
  };
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
      case 'Denoising strength':
        result.denoisingStrength = toNumber(value);
        break;
      case 'Mask blur':
        result.maskBlur = toNumber(value);
        break;
      default:
        result.extra.push([key, value]);
    }
  }
  return result;
}

/** The "Key: value" pairs of a settings line, as A1111's regex finds them (modules/infotext_utils.py,
 * re_param_code: `\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)`, here with `+` in keys and
 * one-letter keys), values unquoted. A scanner rather than the regex: the regex retried from every
 * position of a long line without a colon, quadratic time (200 kB took 20 s). Here each character is
 * looked at a bounded number of times. */
export function settingsPairs(line: string): [string, string][] {
  const pairs: [string, string][] = [];
  const quotes = new QuotedScanner(line);
  let i = 0;
  while (i < line.length) {
    let k = i;
    while (k < line.length && isSpace(line[k])) k++;
    if (k >= line.length || !isWord(line[k])) {
      i = k + 1;
      continue;
    }
    // A key runs over word characters, spaces, '-', '/' and '+'; no match can start inside a run
    // that is not followed by ':', so the scan goes on after it.
    let end = k + 1;
    while (end < line.length && isKeyChar(line[end])) end++;
    if (line[end] !== ':') {
      i = end;
      continue;
    }
    let v = end + 1;
    while (v < line.length && isSpace(line[v])) v++;
    const close = line[v] === '"' ? quotes.closingQuote(v) : undefined;
    // A quoted value counts only when a comma or the end follows it; otherwise the value runs to the comma.
    const quoted = close !== undefined && (close + 1 === line.length || line[close + 1] === ',');
    const valueEnd = quoted ? close + 1 : indexOrEnd(line, ',', v);
    pairs.push([line.slice(k, end).trim(), unquote(line.slice(v, valueEnd).trim())]);
    i = valueEnd + 1;
  }
  return pairs;
}

/** Finds the quote closing a JSON-style string (backslash escapes) opened at a position. Memoised so a
 * line of many quotes costs linear time: a scan that passes a later opening quote treats it as
 * escaped, so from the character after it both scans read the same way and end at the same place. */
class QuotedScanner {
  private from = -1;
  private to = -1;
  private result: number | undefined;

  constructor(private readonly line: string) {}

  /** Index of the closing quote for the quote at `open`, or undefined when the line ends first. */
  closingQuote(open: number): number | undefined {
    if (open > this.from && open < this.to) return this.result;
    let j = open + 1;
    let closed = false;
    while (j < this.line.length) {
      const c = this.line[j];
      if (c === '"') {
        closed = true;
        break;
      }
      if (c !== '\\') j++;
      // The regex's `\\.` takes no line terminator after the backslash: the string cannot close.
      else if (LINE_TERMINATOR.test(this.line[j + 1] ?? '')) break;
      else j += 2;
    }
    // Later quotes before where this scan stopped read the same way from the character after them.
    this.from = open;
    this.to = Math.min(j, this.line.length);
    this.result = closed ? j : undefined;
    return this.result;
  }
}

const SPACE = /\s/;
const LINE_TERMINATOR = /[\r\u2028\u2029]/;

function isSpace(c: string): boolean {
  return SPACE.test(c);
}

function isWord(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
}

function isKeyChar(c: string): boolean {
  return isWord(c) || c === ' ' || c === '-' || c === '/' || c === '+';
}

function indexOrEnd(s: string, c: string, from: number): number {
  const at = s.indexOf(c, from);
  return at === -1 ? s.length : at;
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
