// A1111's prompt attention syntax, with A1111's semantics (stable-diffusion-webui v1.10.1,
// modules/prompt_parser.py `parse_prompt_attention`): `(text)` ×1.1, `[text]` ÷1.1, `(text:1.3)` ×1.3,
// nesting multiplies, `\(` `\)` `\[` `\]` `\\` are literal characters, a lone `\` is dropped,
// unbalanced brackets act as if closed at the end, `BREAK` (a whole word) ends the current chunk.
// One pass over the text; each closing bracket multiplies the pieces it encloses (as A1111 does),
// so the cost is pieces × nesting depth, bounded by PROMPT_MAX_CHARS.

import { clip } from '../clip';

/** The longest prompt (in characters) the parser takes; RUN_LIMITS.promptLength is this. */
export const PROMPT_MAX_CHARS = 20_000;

/** A stretch of prompt text and the weight its tokens get. A1111 marks `BREAK` as the piece
 * { text: 'BREAK', weight: -1 } (see isBreak). */
export interface WeightedText {
  text: string;
  weight: number;
}

const ROUND = 1.1;
const SQUARE = 1 / 1.1;
const BREAK_WEIGHT = -1;
// Python's `\s*\bBREAK\b\s*` (re.S, Unicode \b: a word character is a letter, digit or `_`).
const BREAK_SPLIT = /\s*(?<![\p{L}\p{N}_])BREAK(?![\p{L}\p{N}_])\s*/u;
// The `:\s*([+-]?[.\d]+)\s*\)` alternative of A1111's re_attention, anchored where a `:` stands.
const WEIGHT_CLOSE = /:\s*([+-]?[.\d]+)\s*\)/y;
const PLAIN = /[^\\()[\]:]+/y;
// The strings of dots and digits Python's float() accepts.
const PYTHON_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)$/;

export function isBreak(piece: WeightedText): boolean {
  return piece.text === 'BREAK' && piece.weight === BREAK_WEIGHT;
}

/** Splits a prompt into weighted pieces exactly as A1111's parse_prompt_attention does, merged runs
 * of equal weight included. Throws a RangeError past PROMPT_MAX_CHARS, and where A1111 itself fails
 * (a weight such as `(a:1.2.3)` that Python's float() rejects). */
export function parsePromptAttention(prompt: string): WeightedText[] {
  if (prompt.length > PROMPT_MAX_CHARS) {
    throw new RangeError(`the prompt is ${prompt.length} characters, more than ${PROMPT_MAX_CHARS}`);
  }
  const res: WeightedText[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiplyFrom = (start: number, by: number) => {
    for (let p = start; p < res.length; p++) res[p].weight *= by;
  };
  const plain = (text: string) =>
    text.split(BREAK_SPLIT).forEach((part, i) => {
      if (i > 0) res.push({ text: 'BREAK', weight: BREAK_WEIGHT });
      res.push({ text: part, weight: 1 });
    });

  let i = 0;
  while (i < prompt.length) {
    const c = prompt[i];
    if (c === '\\') {
      // `\(`, `\)`, `\[`, `\]`, `\\` give the character; a lone backslash gives nothing.
      const next = prompt[i + 1];
      const escaped = next !== undefined && '()[]\\'.includes(next);
      res.push({ text: escaped ? next : '', weight: 1 });
      i += escaped ? 2 : 1;
    } else if (c === '(') {
      round.push(res.length);
      i++;
    } else if (c === '[') {
      square.push(res.length);
      i++;
    } else if (c === ':') {
      WEIGHT_CLOSE.lastIndex = i;
      const m = WEIGHT_CLOSE.exec(prompt);
      if (m && round.length > 0) multiplyFrom(round.pop()!, pythonFloat(m[1]));
      else plain(m ? m[0] : ':');
      i += m ? m[0].length : 1;
    } else if (c === ')' || c === ']') {
      const stack = c === ')' ? round : square;
      if (stack.length > 0) multiplyFrom(stack.pop()!, c === ')' ? ROUND : SQUARE);
      else plain(c);
      i++;
    } else {
      PLAIN.lastIndex = i;
      const text = PLAIN.exec(prompt)![0];
      plain(text);
      i += text.length;
    }
  }
  for (const start of round) multiplyFrom(start, ROUND);
  for (const start of square) multiplyFrom(start, SQUARE);
  if (res.length === 0) res.push({ text: '', weight: 1 });
  return mergeEqualWeights(res);
}

/** Why A1111's parser would refuse the prompt, or undefined when it reads it. */
export function promptAttentionError(prompt: string): string | undefined {
  try {
    const wild = parsePromptAttention(prompt).find((p) => !isBreak(p) && !(Math.abs(p.weight) <= MAX_WEIGHT));
    if (!wild) return undefined;
    const text = clip(wild.text, 40);
    return `"${text}" has attention weight ${wild.weight}: at most ${MAX_WEIGHT} either way`;
  } catch (err) {
    if (err instanceof RangeError) return err.message;
    throw err;
  }
}

/** The largest attention weight either way a run takes (A1111 sets none): far past it an image is noise, and
 * past about 1e38 float32 overflows to a NaN image. */
const MAX_WEIGHT = 10_000;

function pythonFloat(text: string): number {
  if (!PYTHON_FLOAT.test(text)) {
    throw new RangeError(`"${text}" is not a number (in an attention weight such as "(word:1.2)")`);
  }
  return Number(text);
}

/** Joins neighbours of equal weight, in place, as A1111's final loop does (BREAK pieces included). */
function mergeEqualWeights(res: WeightedText[]): WeightedText[] {
  const out: WeightedText[] = [res[0]];
  for (let k = 1; k < res.length; k++) {
    const last = out[out.length - 1];
    if (last.weight === res[k].weight) last.text += res[k].text;
    else out.push(res[k]);
  }
  return out;
}
