// The row of x_t pictures as one PNG: the canvases side by side, each captioned with its schedule
// and t, on the editor's background.
import { canvasPng } from '../shared/plotExport';
import { plotTheme } from '../shared/plotTheme';

const GAP = 8;
const CAPTION = 20;

export async function exportStrip(
  canvases: readonly HTMLCanvasElement[],
  captions: readonly string[],
): Promise<Uint8Array> {
  const theme = plotTheme();
  const height = Math.max(...canvases.map((c) => c.height));
  const width = canvases.reduce((w, c) => w + c.width, 0) + GAP * (canvases.length - 1);
  const strip = document.createElement('canvas');
  strip.width = width;
  strip.height = height + CAPTION;
  const ctx = strip.getContext('2d')!;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, strip.width, strip.height);
  ctx.font = '12px sans-serif';
  ctx.fillStyle = theme.foreground;
  let x = 0;
  canvases.forEach((canvas, i) => {
    ctx.drawImage(canvas, x, CAPTION);
    ctx.fillText(captions[i] ?? '', x + 2, 14, canvas.width - 4);
    x += canvas.width + GAP;
  });
  return canvasPng(strip);
}
