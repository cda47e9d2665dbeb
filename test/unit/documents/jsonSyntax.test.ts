// JSON syntax errors in words (src/documents/jsonSyntax.ts), from jsonc-parser's own errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTree, type ParseError } from '../../../src/documents/jsonc';
import { describeSyntaxError, firstErrorPerLine } from '../../../src/documents/jsonSyntax';

function firstError(text: string): string {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  assert.ok(errors.length > 0, `no error in ${text}`);
  return describeSyntaxError(errors[0], text);
}

test("jsonc-parser's error codes become words, with the line and the text there", () => {
  assert.equal(firstError('{\n  "a": 1,\n  "b": }'), 'A value expected at line 3 near "}"');
  assert.equal(firstError('{"a" 1}'), '":" expected at line 1 near "1"');
  assert.equal(firstError('{"a": 1 "b": 2}'), '"," expected at line 1 near ""b""');
  assert.equal(firstError('{"a": 1} 2'), 'More text after the JSON value at line 1 near "2"');
  assert.equal(firstError('{"a": 1, // note\n}'), 'A comment (JSON has none) at line 1 near "// note"');
  assert.equal(firstError('{"a": "open'), 'A string not closed at line 1 near ""open"');
});

test('NaN and Infinity, which Python writes into JSON, are named with what to write instead', () => {
  for (const bad of ['NaN', 'Infinity', '-Infinity'])
    assert.match(
      firstError(`{"beta_end": ${bad}}`),
      /^Unexpected text at line 1 near ".*" \(JSON has no NaN or Infinity: write a number\)$/,
    );
  assert.doesNotMatch(firstError('{"beta_end": nope}'), /NaN/);
});

test("a syntax error's follow-on errors on its line are dropped; an error on another line is kept", () => {
  const shown = (text: string) => {
    const errors: ParseError[] = [];
    parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
    return firstErrorPerLine(errors, text).map((e) => describeSyntaxError(e, text));
  };
  // The parser reports "a value expected" at the comma after NaN too.
  assert.deepEqual(shown('{\n "beta_start": NaN,\n "beta_end": 0.012\n}'), [
    'Unexpected text at line 2 near "NaN" (JSON has no NaN or Infinity: write a number)',
  ]);
  assert.deepEqual(shown('{"a": 1,}'), ['A key in double quotes expected at line 1 near "}"']);
  assert.deepEqual(shown('{\n "a": [1, 2,\n "b": 2\n}'), ['"," expected at line 3 near ":"', '"]" expected at line 4']);
});
