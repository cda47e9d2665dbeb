// What workbench specs share: the form filled in full (the form is remembered per workspace, so a
// test sets every field it relies on), Generate by Ctrl+Enter, and the PNGs a run saves (their A1111
// parameters and their pixels).
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { findWebviewFrame, pollUntil, REPO, runCommand } from './harness.mjs';

/** The shipped default model as the model picker names it (run.mjs sets no model path). */
export const DEFAULT_MODEL = 'tiny-shapes (default)';
/** The random-weight test model, for what only it has: a TAESD decoder and CLIP's tokenizer. */
export const TEST_MODEL = 'models/tiny-sd';

/** Copies the test model into the workspace, where the model picker finds it. */
export function addTestModel(server) {
  const dir = join(server.workspace, TEST_MODEL);
  if (!existsSync(dir)) cpSync(join(REPO, 'test/fixtures/models/tiny-sd'), dir, { recursive: true });
}

/** Every field a workbench test relies on; a test overrides what it needs. */
/** The sampler entry that runs the model's scheduler_config.json. */
export const OWN_SCHEDULER = "Model's own scheduler";

export const FORM = {
  prompt: 'a red circle on a blue background',
  steps: '4',
  seed: '1',
  subseed: '-1',
  subseedStrength: '0',
  batchSize: '1',
  batchCount: '1',
  previewEvery: '1',
  width: '64',
  height: '64',
};

const outputDir = (server) => join(server.workspace, 'diffusion-outputs');
const isPng = (f) => f.endsWith('.png') && !f.endsWith('-strip.png');

/** The PNG files in the output folder. */
export const pngs = (server) => (existsSync(outputDir(server)) ? readdirSync(outputDir(server)) : []).filter(isPng);

/** A PNG's chunks of one type, in order. */
function chunks(bytes, type) {
  const found = [];
  for (let at = 8; at + 12 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) {
    if (bytes.toString('latin1', at + 4, at + 8) === type)
      found.push(bytes.subarray(at + 8, at + 8 + bytes.readUInt32BE(at)));
  }
  return found;
}

/** The A1111 `parameters` text of a saved PNG, once written: a tEXt chunk (Latin-1) or, for other
 * characters, an uncompressed iTXt chunk (UTF-8 after the flags, language and translated keyword). */
export function parameters(server, file) {
  const bytes = readFileSync(join(outputDir(server), file));
  const key = Buffer.from('parameters\0', 'latin1');
  for (const type of ['tEXt', 'iTXt']) {
    const data = chunks(bytes, type).find((d) => d.subarray(0, key.length).equals(key));
    if (!data) continue;
    if (type === 'tEXt') return data.subarray(key.length).toString('latin1');
    const language = data.indexOf(0, 13);
    return data.subarray(data.indexOf(0, language + 1) + 1).toString('utf8');
  }
  return undefined;
}

/** A saved PNG's filtered scanlines (its IDAT data inflated): equal for equal pixels from one encoder. */
export function pixels(server, file) {
  return inflateSync(Buffer.concat(chunks(readFileSync(join(outputDir(server), file)), 'IDAT')));
}

/** Waits for `count` PNGs saved after `before` (a set of names), each with its parameters written;
 * returns their parameters texts. */
export async function newImages(server, before, count = 1) {
  return pollUntil(() => {
    const added = pngs(server).filter((f) => !before.has(f));
    const texts = added.map((f) => parameters(server, f));
    return added.length >= count && texts.every(Boolean) && texts;
  }, `${count} new PNG(s) in the output folder`);
}

/** The names of the PNGs saved after `before` whose parameters start with `prompt` and a new line. */
export function imagesOf(server, before, prompt) {
  return pngs(server).filter((f) => !before.has(f) && parameters(server, f)?.startsWith(`${prompt}\n`));
}

/** The workbench on its form's own sampler and `model` (a picker label), with FORM and `fields` filled in. */
export async function openForm(page, fields = {}, model = DEFAULT_MODEL) {
  await runCommand(page, 'Diffusion: Open Generation Workbench');
  const panel = await findWebviewFrame(page, '.params:not([inert])', 60_000);
  const leftover = panel.locator('.schedule-chip:not([hidden]) vscode-button');
  if (await leftover.count()) {
    await leftover.click();
    await panel.locator('#param-sampler').waitFor({ state: 'visible', timeout: 30_000 });
  }
  // Earlier specs leave another model, sampler and init image in the remembered form: start from `model`,
  // its own scheduler and no init image.
  const offered = await panel.evaluate((label) => {
    const select = document.querySelector('#param-modelId');
    const options = [...select.querySelectorAll('vscode-option')];
    const option = options.find((o) => o.textContent === label);
    if (!option) return options.map((o) => o.textContent).join(', ');
    if (select.value === option.getAttribute('value')) return 'ok';
    select.value = option.getAttribute('value');
    select.dispatchEvent(new Event('change'));
    return 'ok';
  }, model);
  if (offered !== 'ok') throw new Error(`model ${model} is not offered: ${offered}`);
  await panel.waitForFunction(() => document.querySelector('#param-modelId')?.value !== '');
  if ((await panel.locator('#param-sampler-input').inputValue()) !== OWN_SCHEDULER) {
    await pickSampler(page, panel, OWN_SCHEDULER);
  }
  if (await panel.locator('.init-body').isVisible()) await panel.locator('vscode-button:text-is("Clear")').click();
  for (const [key, value] of Object.entries({ ...FORM, ...fields })) await fill(panel, key, value);
  await choosePreview(panel, 'latent');
  return panel;
}

/** Picks the sampler labelled `label` from the sampler list: typing filters it, Enter picks the entry
 * named exactly. */
export async function pickSampler(page, panel, label) {
  await panel.locator('#param-sampler-input').click();
  await panel.locator('#param-sampler-input').fill('');
  await page.keyboard.type(label);
  await page.keyboard.press('Enter');
  const picked = await panel.locator('#param-sampler-input').inputValue();
  if (picked !== label) throw new Error(`sampler ${label} not picked: ${picked}`);
}

const SHAPES = ['circle', 'square', 'triangle', 'diamond'];
const COLORS = ['red', 'green', 'yellow', 'orange', 'purple', 'white'];
const PLACES = ['at the top left', 'at the top right', 'at the bottom left', 'at the bottom right', 'in the center'];
let prompts = 0;

/** A prompt in the default model's words, another at each call (240 in all): tests find their run's log
 * lines by it, and a made-up word to make it unique raised the unknown-word warning in the screenshots. */
export function uniquePrompt() {
  const n = prompts++;
  const shape = SHAPES[n % 4];
  const color = COLORS[Math.floor(n / 4) % 6];
  const place = PLACES[Math.floor(n / 24) % 5];
  const size = Math.floor(n / 120) % 2 ? 'large' : 'small';
  return `a ${size} ${color} ${shape} ${place} on a blue background`;
}

/** Types `value` into the form's field `key`. */
export function fill(panel, key, value) {
  return panel.locator(`#param-${key} ${key === 'prompt' ? 'textarea' : 'input'}`).fill(value);
}

export async function choosePreview(panel, kind) {
  await panel.evaluate((value) => {
    const select = document.querySelector('#param-previewKind');
    select.value = value;
    select.dispatchEvent(new Event('change'));
  }, kind);
}

/** Ctrl+Enter from the form, as a user would. */
export async function generate(page, panel) {
  await panel.locator('#param-seed input').focus();
  await page.keyboard.press('Control+Enter');
}

/** Clicks the Generate bar's button named `text`, through the bar's ⋯ menu where a narrow panel folds
 * it away. */
export async function clickBarButton(panel, text) {
  const target = panel.locator(`.generate-bar vscode-button:text-is("${text}")`);
  if (!(await target.isVisible())) await panel.locator('.generate-bar .overflow-toggle').click();
  await target.click();
}
