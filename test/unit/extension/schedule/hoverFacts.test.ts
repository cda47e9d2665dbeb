import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hoverFacts } from '../../../../src/extension/schedule/hoverFacts';
import { readScheduleDocument } from '../../../../src/extension/schedule/scheduleDocument';

const text = readFileSync('test/fixtures/schedules/sdxl/scheduler_config.json', 'utf8');
const doc = readScheduleDocument(text, 'config', 'sdxl');
const hoverOn = (needle: string) => hoverFacts(doc, text.indexOf(needle) + 2);

test('hover states terminal SNR and σ range of Stable Diffusion\'s schedule', () => {
  const h = hoverOn('"beta_end"')!;
  // scaled_linear 0.00085→0.012, T 1000: terminal SNR 0.0047 (log-SNR −5.36), σ 0.029167…14.614641 (FACTS.md).
  assert.match(h, /terminal SNR 0\.004682 \(log-SNR -5\.364\)/);
  assert.match(h, /σ from 0\.02917 to 14\.61 over 1000 training timesteps/);
});

test('hover on a key gives its effective value and where it came from', () => {
  assert.match(hoverOn('"timestep_spacing"')!, /`timestep_spacing` = `"leading"` — set in this file\. How inference timesteps/);
  assert.match(hoverOn('"_class_name"')!, /^\*\*sdxl\*\* · EulerDiscreteScheduler · terminal SNR/);
  // Not in the file: the class's default, said to be one.
  const sd15 = readFileSync('test/fixtures/schedules/sd15/scheduler_config.json', 'utf8');
  const pndm = readScheduleDocument(sd15, 'config', 'sd15');
  assert.equal(hoverFacts(pndm, sd15.indexOf('"steps_offset"') + 2)?.includes('`steps_offset` = `1` — set in this file'), true);
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
  assert.match(h, /^\*\*trailing \+ zero-SNR\*\*/);
  assert.match(h, /`rescale_betas_zero_snr` = `true` — set in this file/);
  // The Euler family floors ᾱ_T at 2⁻²⁴, so σ_max ≈ 4096.
  assert.match(h, /to 4096 over 1000/);
});
