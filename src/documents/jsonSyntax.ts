// A JSON syntax error in words: jsonc-parser names its errors as codes ("InvalidSymbol", "ValueExpected"),
// which say little to someone who typed NaN into a config. Used by every document that parses JSON.
import { printParseErrorCode, type ParseError } from './jsonc';

/** By jsonc-parser's name for each error (its codes are a const enum, out of reach here). */
const WORDS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected text',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a key in double quotes expected',
  ValueExpected: 'a value expected',
  ColonExpected: '":" expected',
  CommaExpected: '"," expected',
  CloseBraceExpected: '"}" expected',
  CloseBracketExpected: '"]" expected',
  EndOfFileExpected: 'more text after the JSON value',
  InvalidCommentToken: 'a comment (JSON has none)',
  UnexpectedEndOfComment: 'a comment not closed',
  UnexpectedEndOfString: 'a string not closed',
  UnexpectedEndOfNumber: 'a number cut short',
  InvalidUnicode: 'a bad \\u escape',
  InvalidEscapeCharacter: 'a bad escape in a string',
  InvalidCharacter: 'a character a JSON string cannot hold',
};

/** The errors worth showing: after a syntax error the parser reports what it then fails to find on
 * the same line ("NaN," gives "unexpected text", then "a value expected" at the comma), which is not a
 * second mistake, so only the first error of each line is kept. */
export function firstErrorPerLine(errors: readonly ParseError[], text: string): ParseError[] {
  const lines = new Set<number>();
  return errors.filter((e) => {
    const line = lineAt(text, e.offset);
    if (lines.has(line)) return false;
    lines.add(line);
    return true;
  });
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** "Unexpected text at line 3 near "NaN" (JSON has no NaN or Infinity: write a number)". */
export function describeSyntaxError(e: ParseError, text: string): string {
  const near = text.slice(e.offset, e.offset + Math.min(Math.max(e.length, 1), 20));
  const line = lineAt(text, e.offset);
  const words = WORDS[printParseErrorCode(e.error)] ?? 'a syntax error';
  const where = `${words[0].toUpperCase()}${words.slice(1)} at line ${line}${near.trim() ? ` near "${near}"` : ''}`;
  // Python's json writes NaN and Infinity, and diffusers reads them back; JSON has neither.
  const nonFinite = /^-?(NaN|Infinity)\b/.test(text.slice(e.offset, e.offset + 9));
  return nonFinite ? `${where} (JSON has no NaN or Infinity: write a number)` : where;
}
