// A1111's own parse_generation_parameters (v1.10.1) on the PNG text this project writes
// (test/fixtures/reference/infotext/a1111_parsed.json, made by gen_infotext_fixtures.py from infotextCases.ts):
// A1111 must read back the sampler, schedule type, seed, steps, CFG scale, size, prompts and the CPU RNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolEquivalents } from '../../../src/runs/toolEquivalents';
import { infotextCases } from './infotextCases';

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/reference/infotext/a1111_parsed.json'), 'utf8'),
);

test('the fixture holds the texts this code writes today (else regenerate it)', () => {
  assert.deepEqual(
    fixture.cases.map((c: { name: string; text: string }) => [c.name, c.text]),
    infotextCases().map((c) => [c.name, c.text]),
  );
});

for (const { name, info } of infotextCases()) {
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
    if (eq.a1111) {
      assert.equal(parsed.Sampler, eq.a1111.sampler);
      assert.equal(parsed['Schedule type'], eq.a1111.scheduleType);
    } else {
      assert.equal(parsed.Sampler, undefined, 'no sampler A1111 would run differently');
      assert.match(parsed['Sampler note'], /A1111/);
    }
  });
}
