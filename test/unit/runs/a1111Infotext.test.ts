// A1111's own parse_generation_parameters (v1.10.1) on the PNG text this project writes
// (test/fixtures/reference/infotext/a1111_parsed.json, made by gen_infotext_fixtures.py from infotextCases.ts):
// A1111 must read back the sampler, schedule type, seed, steps, CFG scale, size, prompts and the CPU RNG; a run
// A1111 cannot repeat (a diffusers-only class, a schedule without a twin) carries a "Sampler note" instead of
// any sampler or schedule type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolEquivalents } from '../../../src/runs/toolEquivalents';
import { A1111_SAMPLERS } from '../../../src/core/kdiffusion/a1111Samplers';
import { infotextCases } from './infotextCases';

const A1111_LABELS = A1111_SAMPLERS.map((e) => e.label);
const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/reference/infotext/a1111_parsed.json'), 'utf8'),
);

test('the fixture holds the texts this code writes today (else regenerate it)', () => {
  assert.deepEqual(
    fixture.cases.map((c: { name: string; text: string }) => [c.name, c.text]),
    infotextCases().map((c) => [c.name, c.text]),
  );
});

for (const { name, info, text } of infotextCases()) {
  test(`A1111 reads back what ran: ${name}`, () => {
    const parsed = fixture.cases.find((c: { name: string }) => c.name === name).parsed;
    const { spec } = info;
    const eq = toolEquivalents(info);
    assert.equal(parsed.Prompt, spec.prompt);
    assert.equal(parsed['Negative prompt'], spec.negativePrompt);
    assert.equal(Number(parsed.Steps), spec.steps);
    assert.equal(Number(parsed['CFG scale']), spec.guidanceScale);
    assert.equal(Number(parsed.Seed), spec.seed);
    assert.deepEqual([Number(parsed['Size-1']), Number(parsed['Size-2'])], [spec.width, spec.height]);
    assert.equal(parsed.RNG, 'CPU');
    const settings = text.split('\n').at(-1)!;
    if (eq.a1111) {
      assert.equal(parsed.Sampler, eq.a1111.sampler);
      assert.ok(A1111_LABELS.includes(parsed.Sampler), `${parsed.Sampler} is on A1111's list`);
      assert.equal(parsed['Schedule type'], eq.a1111.scheduleType);
      assert.match(settings, /, Schedule type: /, 'written, not left to Automatic');
    } else {
      assert.equal(parsed.Sampler, undefined, 'no sampler A1111 would run differently');
      assert.doesNotMatch(settings, /Schedule type: /, 'no schedule type without the sampler it goes with');
      // What ran, in its own terms, then why A1111 cannot run it.
      const ran = info.toolSampler ? `ComfyUI ${info.toolSampler.sampler}` : String(info.scheduler._class_name);
      assert.ok(parsed['Sampler note'].startsWith(`${ran} `) || parsed['Sampler note'].startsWith(`${ran}:`));
      assert.match(parsed['Sampler note'], /A1111/);
    }
  });
}
