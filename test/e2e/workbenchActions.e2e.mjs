// An image's actions in a real VS Code: "Diffusion: Generate" from the palette, then Vary seed in
// the "Diffusion: Image" panel makes a new image (a new seed, the same parameters) in that panel.
import { answerInput, assert, errorNotification, findWebviewFrame, runCommand, screenshot, test } from './harness.mjs';

const PROMPT = 'a blue square on a red background';

test('image panel: Vary seed makes a new image with a new seed', async ({ page }) => {
  await runCommand(page, 'Diffusion: Generate');
  await answerInput(page, PROMPT);
  // The image panel: the frame with the run's heading (a workbench restored beside it has the same
  // image actions).
  const panel = await Promise.race([
    findWebviewFrame(page, `h1:has-text("${PROMPT}")`, 120_000),
    errorNotification(page),
  ]);
  await panel.locator('[data-action="varySeed"]').first().waitFor({ timeout: 120_000 });
  const caption = () => panel.locator('figcaption').first().textContent();
  const pixels = () =>
    panel.evaluate(() => {
      const c = document.querySelector('main canvas');
      return [...c.getContext('2d').getImageData(0, 0, c.width, c.height).data].join(',');
    });
  const [firstCaption, firstPixels] = [await caption(), await pixels()];

  await panel.locator('[data-action="varySeed"]').first().click();
  await Promise.race([
    panel.waitForFunction((before) => document.querySelector('figcaption')?.textContent !== before, firstCaption, {
      timeout: 120_000,
    }),
    errorNotification(page),
  ]);
  const seed = (text) => /seed (\d+)/.exec(text)?.[1];
  const secondCaption = await caption();
  assert(
    seed(secondCaption) && seed(secondCaption) !== seed(firstCaption),
    `a new seed: "${firstCaption}" → "${secondCaption}"`,
  );
  assert((await panel.locator('h1').textContent()) === PROMPT, 'the same prompt');
  assert((await pixels()) !== firstPixels, 'a new image');
  await screenshot(page, 'image-panel-vary-seed');
});
