import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatParameters,
  MAX_PARAMETERS_LENGTH,
  parseParameters,
  settingsPairs,
} from '../../../src/runs/a1111Parameters';

// Settings lines as A1111 wrote them, quoted in model cards (v1.3.2, v1.9.4) and an extension's docs.
const V132 = [
  'a portrait of a knight, detailed armor',
  'Negative prompt: (blurry:2.0), bad hands, extra legs ,(ng_deepnegative_v1_75t)',
  'Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1270640879, Size: 540x960, Model hash: ec6f68ea63, Model: lyriel_v16, Version: v1.3.2',
].join('\n');
const V194 =
  'a woman on a beach\nNegative prompt: incomplete figures\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 8, Seed: 1659960289, Size: 985x1266, Model hash: b513c6287d, Model: realism_engine, Denoising strength: 0.91, Masked content: fill, Version: v1.9.4';
const QUOTED = `a photo of <'EM_1'>\nNegative prompt: {'EM_2'}\nSteps: 8, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1374372309, Size: 512x512, Model hash: c6bbc15e32, Model: sd-v1-5-inpainting, EmbeddingMerge: "<'EM_1'>=<'sky' * 2/4 + 'forest' * 3/4>, {'EM_2'}={'blurry'+'cropped'}", Conditional mask weight: 1`;
// A blank negative prompt followed by more lines, and blank lines around it (a model card's copy).
const BLANK_LINES =
  'beautiful sea\n\nNegative prompt: \n(3d:1.1576), lowres, bad anatomy\n\nSteps: 40, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1870332858, Size: 512x768, Model hash: 2700c435, Batch size: 2, Batch pos: 0, Clip skip: 2';

test('parses an A1111 v1.3 settings line with the sampler carrying "Karras"', () => {
  const p = parseParameters(V132);
  assert.equal(p.prompt, 'a portrait of a knight, detailed armor');
  assert.equal(p.negativePrompt, '(blurry:2.0), bad hands, extra legs ,(ng_deepnegative_v1_75t)');
  assert.equal(p.steps, 20);
  assert.equal(p.sampler, 'DPM++ 2M Karras');
  assert.equal(p.cfgScale, 7);
  assert.equal(p.seed, 1270640879);
  assert.deepEqual([p.width, p.height], [540, 960]);
  assert.equal(p.modelHash, 'ec6f68ea63');
  assert.equal(p.model, 'lyriel_v16');
  assert.deepEqual(p.extra, [['Version', 'v1.3.2']]);
});

test('parses A1111 v1.9 "Schedule type" and keeps unknown keys in order', () => {
  const p = parseParameters(V194);
  assert.equal(p.sampler, 'DPM++ 2M');
  assert.equal(p.scheduleType, 'Karras');
  assert.equal(p.cfgScale, 8);
  assert.equal(p.denoisingStrength, 0.91, "A1111's image-to-image strength");
  assert.deepEqual(
    p.extra.map(([k]) => k),
    ['Masked content', 'Version'],
  );
});

test('unquotes JSON-quoted values that hold commas and colons', () => {
  const p = parseParameters(QUOTED);
  const merge = p.extra.find(([k]) => k === 'EmbeddingMerge');
  assert.equal(merge?.[1], "<'EM_1'>=<'sky' * 2/4 + 'forest' * 3/4>, {'EM_2'}={'blurry'+'cropped'}");
  assert.equal(p.extra.find(([k]) => k === 'Conditional mask weight')?.[1], '1');
  assert.equal(p.seed, 1374372309);
});

test('a multi-line negative prompt continues until the settings line', () => {
  const p = parseParameters(BLANK_LINES);
  assert.equal(p.prompt, 'beautiful sea');
  assert.equal(p.negativePrompt, '(3d:1.1576), lowres, bad anatomy');
  assert.equal(p.steps, 40);
});

test('text without a settings line is all prompt', () => {
  const p = parseParameters('just a prompt, with: a colon');
  assert.equal(p.prompt, 'just a prompt, with: a colon');
  assert.equal(p.steps, undefined);
});

test('format then parse gives the same parameters, quoting what needs it', () => {
  const original = {
    prompt: 'a red circle\non two lines',
    negativePrompt: 'blurry, noisy',
    steps: 25,
    sampler: 'Euler a',
    cfgScale: 7.5,
    seed: 4294967294,
    width: 64,
    height: 48,
    modelHash: '0123456789',
    model: 'tiny-shapes',
    extra: [
      ['Version', 'Diffusion Lab'],
      ['Note', 'a, b: c'],
    ] as [string, string][],
  };
  const text = formatParameters(original);
  assert.match(
    text,
    /Steps: 25, Sampler: Euler a, CFG scale: 7\.5, Seed: 4294967294, Size: 64x48, Model hash: 0123456789, Model: tiny-shapes/,
  );
  assert.match(text, /Note: "a, b: c"/);
  assert.deepEqual(parseParameters(text), original);
});

// The regex the parser used to run (A1111's re_param_code with '+' in keys and one-letter keys): the
// oracle the linear scanner must agree with, pair for pair.
const REGEX_PAIRS = /\s*(\w[\w \-/+]*):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g;
const regexPairs = (line: string) => [...line.matchAll(REGEX_PAIRS)].map((m) => [m[1].trim(), unquoted(m[2].trim())]);
function unquoted(v: string): string {
  if (v.length < 2 || !v.startsWith('"') || !v.endsWith('"')) return v;
  try {
    return String(JSON.parse(v));
  } catch {
    return v;
  }
}

test('the linear scanner finds the same pairs as the regex it replaces, on random settings lines', () => {
  const piece = fc.constantFrom(
    'Steps',
    'Size',
    'a',
    'Model hash',
    ':',
    ': ',
    ',',
    ', ',
    '"',
    '\\',
    '\\"',
    ' ',
    '\t',
    '\r',
    '-',
    '/',
    '+',
    'x',
    '1',
    'é',
    '\u2028',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const line = parts.join('');
      assert.deepEqual(settingsPairs(line), regexPairs(line), JSON.stringify(line));
    }),
    { numRuns: 5000, seed: 16 },
  );
});

test('hostile parameters text: 1 MB is refused by length, 64 kB of worst cases parse in linear time', () => {
  assert.throws(
    () => parseParameters('a'.repeat(1 << 20)),
    /parameters text is 1,048,576 characters; Diffusion Lab reads at most 65,536/,
  );
  const limit = MAX_PARAMETERS_LENGTH;
  const hostile = [
    'a'.repeat(limit), // the case: a long last line without a colon
    'a b-c/d+e '.repeat(limit / 10), // key characters only
    'k: "'.repeat(limit / 4), // quotes that never close
    'k: "\\'.repeat(limit / 5), // escapes before them
    'k: "x" y, '.repeat(limit / 10), // closed quotes not followed by a comma
    'Steps: 1, '.repeat(limit / 10 - 1), // many real pairs
  ];
  for (const text of hostile) {
    const started = Date.now();
    const p = parseParameters(text);
    assert.ok(typeof p.prompt === 'string');
    // A hang guard only: the regex took 20 s on 200 kB; the scanner takes milliseconds.
    assert.ok(Date.now() - started < 2000, `${text.slice(0, 12)}…: ${Date.now() - started} ms`);
  }
  assert.equal(parseParameters(hostile[5]).steps, 1);
});
