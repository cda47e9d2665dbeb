// "Diffusion: Generate" from the command palette on the shipped default model: prompt, progress, image panel.
import { decode } from 'fast-png';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  activationTime,
  answerInput,
  assert,
  engineProcesses,
  errorNotification,
  errorNotifications,
  findWebviewFrame,
  generateAndFindEngine,
  readExtensionLog,
  reloadWindow,
  REPO,
  runCommand,
  screenshot,
  test,
  waitForLog,
  waitForNotification,
} from './harness.mjs';

const MODEL = join(REPO, 'models/tiny-shapes');

// The image size diffusers derives for this model: unet sample_size × the VAE's upsampling factor.
function expectedSize() {
  const unet = JSON.parse(readFileSync(join(MODEL, 'unet/config.json'), 'utf8'));
  const vae = JSON.parse(readFileSync(join(MODEL, 'vae_decoder/config.json'), 'utf8'));
  return unet.sample_size * 2 ** (vae.block_out_channels.length - 1);
}

/** Width, height and pixel statistics of the panel's first canvas, read inside the webview. */
function readCanvas(frame) {
  return frame.evaluate(() => {
    const canvas = document.querySelector('canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const colors = new Set();
    let min = 255;
    let max = 0;
    let hash = 0;
    for (let i = 0; i < data.length; i++) hash = (hash * 31 + data[i]) | 0;
    for (let i = 0; i < data.length; i += 4) {
      colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      for (let c = 0; c < 3; c++) {
        min = Math.min(min, data[i + c]);
        max = Math.max(max, data[i + c]);
      }
    }
    return {
      width: canvas.width,
      height: canvas.height,
      colors: colors.size,
      range: max - min,
      opaque: data[3] === 255,
      hash,
    };
  });
}

/** The panel's page: a nonce'd Content-Security-Policy, its bundle from the extension through a webview
 * resource URI, and nothing readable outside dist/webview (its only localResourceRoot). */
async function checkPanelIsolation(frame) {
  const page = await frame.evaluate(async () => {
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    const script = document.querySelector('script[src]');
    const load = (element) =>
      new Promise((resolve) => {
        element.onload = () => resolve(true);
        element.onerror = () => resolve(false);
        // VS Code's resource loader leaves a request outside the roots unanswered rather than failing it.
        setTimeout(() => resolve(false), 5_000);
        document.head.append(element);
      });
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.nonce = document.querySelector('link[rel="stylesheet"]')?.nonce ?? '';
    css.href = script.src.replace(/image\.js$/, 'image.css');
    const img = document.createElement('img');
    img.src = script.src.replace(/dist\/webview\/image\.js$/, 'media/workbench-activity.svg');
    return {
      csp,
      nonce: script.nonce,
      src: script.src,
      bundleCss: await load(css),
      mediaImage: await load(img),
      mediaUrl: img.src,
    };
  });
  assert(/default-src 'none'/.test(page.csp), `CSP: ${page.csp}`);
  assert(
    page.nonce.length >= 16 && page.csp.includes(`script-src 'nonce-${page.nonce}'`),
    `the script's nonce is not the CSP's: ${page.csp}`,
  );
  assert(/dist\/webview\/image\.js$/.test(page.src) && !page.src.startsWith('file:'), `script from ${page.src}`);
  assert(page.bundleCss, 'the panel cannot load its own bundle stylesheet');
  assert(page.mediaImage === false, `the panel could read ${page.mediaUrl}, outside its resource roots`);
}

test('Diffusion: Generate draws the image in the panel and saves the PNG', async ({ page, server }) => {
  const outputs = join(server.workspace, 'diffusion-outputs');
  const pngs = () => (existsSync(outputs) ? readdirSync(outputs).filter((f) => f.endsWith('.png')) : []);
  // An earlier attempt of this test may have saved its own image already.
  const before = new Set(pngs());
  // A fresh start for the screenshot, as a user's window would be: no editors the earlier specs left.
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'Diffusion: Generate');
  const started = Date.now();
  await answerInput(page, 'a red circle on a blue background');
  // The panel showing this run (a panel restored from an earlier window may be replaced meanwhile).
  const frame = await Promise.race([
    findWebviewFrame(page, 'h1:has-text("a red circle on a blue background")', 120_000),
    errorNotification(page),
  ]);
  await frame.locator('canvas').first().waitFor({ timeout: 120_000 });
  console.log(`  prompt entered to image drawn: ${Date.now() - started} ms`);

  const size = expectedSize();
  const image = await readCanvas(frame);
  assert(
    image.width === size && image.height === size,
    `image is ${image.width}×${image.height}, expected ${size}×${size}`,
  );
  assert(image.opaque, 'image pixels are not opaque');
  assert(
    image.colors > 1 && image.range > 0,
    `image is uniform (${image.colors} colours, channel range ${image.range})`,
  );
  const heading = await frame.locator('h1').textContent();
  assert(heading === 'a red circle on a blue background', `panel heading is "${heading}"`);
  await screenshot(page, 'generate');
  await checkPanelIsolation(frame);

  const saved = pngs().filter((f) => !before.has(f));
  assert(saved.length === 1, `expected one new saved PNG in ${outputs}, found ${saved.length}`);
  const png = readFileSync(join(outputs, saved[0]));
  assert(png.subarray(1, 4).toString('latin1') === 'PNG', `${saved[0]} is not a PNG`);
  // One file per image: the record travels in the PNG (a JSON beside it only with diffusionLab.saveRecordJson).
  assert(!existsSync(join(outputs, saved[0].replace(/\.png$/, '.json'))), 'no JSON sidecar by default');
  const record = JSON.parse(decode(png).text['diffusion-lab']);
  assert(record.spec.prompt === 'a red circle on a blue background', 'the run record inside the PNG');

  // The status bar names the provider that ran (the CPU here) and the run lands in the Runs gallery.
  await page.locator('.statusbar-item', { hasText: 'cpu' }).first().waitFor({ timeout: 15_000 });
  await page.locator('.activitybar .action-item a[aria-label^="Diffusion Lab"]').click();
  const gallery = await findWebviewFrame(page, '[data-run-id]', 60_000);
  const caption = await gallery.locator('[data-run-id]').first().textContent();
  assert(/red circle/.test(caption ?? ''), `the gallery's newest run reads "${caption}"`);

  const log = readExtensionLog(server);
  assert(
    /image\(s\) in \d+ ms on cpu; engine .* total: load .*, text encoder .*, unet .*, vae /.test(log),
    "the log names the provider and each component's time",
  );
  // The installed extension's engine runs a small UNet's row groups side by side: the peer's worker ships.
  await waitForLog(server, /engine: unet\/model\.onnx: its peer session is open/);
  assert(!/its peer (could not open|thread failed)/.test(log), 'the UNet peer opened without a warning');
  for (const line of log.split('\n').filter((l) => /activated in|image\(s\) in/.test(l))) console.log(`  log: ${line}`);
  console.log(`  VS Code: ${await activationTime(page, 'Diffusion Lab')}`);
});

test('the image panel comes back with its image after a window reload', async ({ page }) => {
  const prompt = 'a blue square before a reload';
  await runCommand(page, 'Diffusion: Generate');
  await answerInput(page, prompt);
  // The image panel by its heading: another surface with canvases (the forward view) may be open.
  const frame = await Promise.race([
    findWebviewFrame(page, `h1:has-text("${prompt}")`, 120_000),
    errorNotification(page),
  ]);
  const before = await readCanvas(frame);

  await reloadWindow(page);
  const revived = await findWebviewFrame(page, `h1:has-text("${prompt}")`, 60_000);
  const heading = await revived.locator('h1').textContent();
  assert(heading === prompt, `the restored panel's heading is "${heading}"`);
  const after = await readCanvas(revived);
  assert(
    JSON.stringify(after) === JSON.stringify(before),
    `restored image ${JSON.stringify(after)} differs from ${JSON.stringify(before)}`,
  );
  await screenshot(page, 'generate-reloaded');
});

test('Cancel in the progress notification stops the run; nothing is shown or saved, the engine serves on', async ({
  page,
  server,
}) => {
  const outputs = join(server.workspace, 'diffusion-outputs');
  const pngs = () => (existsSync(outputs) ? readdirSync(outputs).filter((f) => f.endsWith('.png')).length : 0);
  const cancelledLines = () =>
    readExtensionLog(server)
      .split('\n')
      .filter((l) => l.includes('generate: cancelled')).length;
  // A prompt of this attempt alone: the log of an earlier attempt's window names its own engine.
  const first = `a first run ${Date.now().toString(36)}`;
  const { frame, pid } = await generateAndFindEngine(page, server, first);
  const saved = pngs();
  const cancelled = cancelledLines();
  const requestedLines = () =>
    readExtensionLog(server)
      .split('\n')
      .filter((l) => l.includes('generate: cancel requested')).length;
  const requested = requestedLines();

  // The tiny model finishes in a blink: hold the engine still so the run is in flight when Cancel is clicked.
  process.kill(pid, 'SIGSTOP');
  try {
    // Only this run's progress toast may be on screen when Cancel is clicked.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Diffusion: Generate');
    await answerInput(page, 'a run to cancel');
    const toast = await waitForNotification(page, 'Diffusion: generating');
    const cancel = toast.getByRole('button', { name: 'Cancel' });
    await cancel.waitFor({ state: 'visible' });
    await screenshot(page, 'generate-progress');
    // The toast slides in: click waits until the button holds still, so the click lands on it.
    await cancel.click();
    // The click reaches the extension host asynchronously: release the engine only once the host has
    // sent the cancel (it logs it first), or the tiny run could finish before the cancel arrives.
    for (let i = 0; i < 120 && requestedLines() === requested; i++) await page.waitForTimeout(250);
    assert(requestedLines() === requested + 1, 'the extension host saw the Cancel click');
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  for (let i = 0; i < 120 && cancelledLines() === cancelled; i++) await page.waitForTimeout(250);
  assert(cancelledLines() === cancelled + 1, 'the log records the cancelled run');
  assert(pngs() === saved, 'a cancelled run saved a PNG');
  assert((await frame.locator('h1').textContent()) === first, 'the panel still shows the first run');
  assert((await errorNotifications(page).count()) === 0, 'cancelling raised an error notification');
  assert(engineProcesses(server).includes(pid), 'the engine process ended on cancel');
});
