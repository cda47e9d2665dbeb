import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hoverFacts } from '../../../../src/extension/schedule/hoverFacts';
import { markdownCode, markdownText } from '../../../../src/extension/schedule/markdownEscape';
import { readScheduleDocument } from '../../../../src/documents/scheduleDocument';

const text = readFileSync('test/fixtures/schedules/sdxl/scheduler_config.json', 'utf8');
const doc = readScheduleDocument(text, 'config', 'sdxl');
const hoverOn = (needle: string) => hoverFacts(doc, text.indexOf(needle) + 2);

test("hover states terminal SNR and σ range of Stable Diffusion's schedule", () => {
  const h = hoverOn('"beta_end"')!;
  // scaled_linear 0.00085→0.012, T 1000: terminal SNR 0.0047 (log-SNR −5.36), σ 0.029167…14.614641 (FACTS.md).
  assert.match(h, /terminal SNR 0\.004682 \(log-SNR -5\.364\)/);
  assert.match(h, /σ from 0\.02917 to 14\.61 over 1000 training timesteps/);
});

test('hover on an IPNDM config says it has no training schedule instead of computing one', () => {
  const ipndm = '{ "_class_name": "IPNDMScheduler", "num_train_timesteps": 1000 }';
  const h = hoverFacts(readScheduleDocument(ipndm, 'config', 'ipndm'), ipndm.indexOf('"num_train') + 2)!;
  assert.match(h, /IPNDMScheduler · no training β: the class builds its own schedule/);
});

test('hover on a key gives its effective value and where it came from', () => {
  assert.match(
    hoverOn('"timestep_spacing"')!,
    /`timestep_spacing` = `"leading"` — set in this file\. How inference timesteps/,
  );
  assert.match(hoverOn('"_class_name"')!, /^\*\*sdxl\*\* · EulerDiscreteScheduler · terminal SNR/);
  // Not in the file: the class's default, said to be one.
  const sd15 = readFileSync('test/fixtures/schedules/sd15/scheduler_config.json', 'utf8');
  const pndm = readScheduleDocument(sd15, 'config', 'sd15');
  assert.equal(
    hoverFacts(pndm, sd15.indexOf('"steps_offset"') + 2)?.includes('`steps_offset` = `1` — set in this file'),
    true,
  );
  const classHover = hoverFacts(pndm, sd15.indexOf('"_class_name"') + 2)!;
  // SD 1.5's file leaves prediction_type and timestep_spacing to PNDMScheduler's defaults.
  assert.match(classHover, /Defaults in effect \(not set here\): .*`prediction_type` = `"epsilon"`/);
  assert.match(classHover, /`timestep_spacing` = `"leading"`/);
  assert.doesNotMatch(classHover, /`beta_end` =/);
});

test('hover on a key the class does not read says it has no effect', () => {
  assert.match(hoverOn('"skip_prk_steps"')!, /`skip_prk_steps` is not read by EulerDiscreteScheduler/);
});

test('hover on a schedule file entry uses that entry, and shows zero terminal SNR', () => {
  const file = readFileSync('test/fixtures/schedules/comparison.schedule.json', 'utf8');
  const fileDoc = readScheduleDocument(file, 'scheduleFile', 'comparison');
  const h = hoverFacts(fileDoc, file.indexOf('"rescale_betas_zero_snr"') + 2)!;
  // The name is file text, so its Markdown punctuation is escaped (shown as "trailing + zero-SNR").
  assert.match(h, /^\*\*trailing \\\+ zero\\-SNR\*\*/);
  assert.match(h, /`rescale_betas_zero_snr` = `true` — set in this file/);
  // The Euler family floors ᾱ_T at 2⁻²⁴, so σ_max ≈ 4096.
  assert.match(h, /to 4096 over 1000/);
});

test('names and keys from the file cannot inject links, images or Markdown structure into the hover', () => {
  const file = JSON.stringify({
    schedules: {
      '![p](https://e.x/p.png) [click](command:x) <img src=x> https://e.x\n\n# heading': {
        config: { _class_name: 'DDIMScheduler', 'k`](https://e.x)\n\n![i](https://e.x/i.png)': 1 },
      },
    },
  });
  const fileDoc = readScheduleDocument(file, 'scheduleFile', 'hostile');
  const h = hoverFacts(fileDoc, file.indexOf('k`]') + 1)!;
  const [title, keyLine] = h.split('\n\n');
  // Every ASCII punctuation character of the name is escaped; the line break is folded.
  assert.equal(
    title.split(' · ')[0],
    '**\\!\\[p\\]\\(https\\:\\/\\/e\\.x\\/p\\.png\\) \\[click\\]\\(command\\:x\\) \\<img src\\=x\\> https\\:\\/\\/e\\.x \\# heading**',
  );
  // The key is one code span (fence longer than its backtick run): literal text, no link, no image.
  assert.equal(
    keyLine,
    '``k`](https://e.x) ![i](https://e.x/i.png)`` is not read by DDIMScheduler: the value has no effect.',
  );
  assert.equal(h.split('\n\n').length, 2, 'no paragraph break injected');
});

test('markdownCode pads a span that starts or ends with a backtick, and cuts long text', () => {
  assert.equal(markdownCode('`a`'), '`` `a` ``');
  assert.equal(markdownCode('plain'), '`plain`');
  assert.equal(markdownCode('x'.repeat(200)), `\`${'x'.repeat(79)}…\``);
  assert.equal(markdownText('a_b*c'), 'a\\_b\\*c');
});
