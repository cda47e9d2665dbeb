// The text a chart draws on its canvas, as drawn: uPlot writes its axis labels and tick values on the
// canvas, so a test records fillText with where and how (the transform says whether a label is
// turned). Each drawing starts by clearing the canvas, which starts the record afresh. Takes a
// Playwright page (webview tests) or frame (the webview inside VS Code in e2e tests).
import assert from 'node:assert/strict';

/** Starts recording the text drawn on canvases inside `selector`. */
export function recordCanvasText(target, selector) {
  return target.evaluate((within) => {
    window.__canvasText = [];
    const mine = (ctx) => ctx.canvas.closest(within) !== null;
    const clearRect = CanvasRenderingContext2D.prototype.clearRect;
    CanvasRenderingContext2D.prototype.clearRect = function (...args) {
      if (mine(this)) window.__canvasText = [];
      return clearRect.apply(this, args);
    };
    const fillText = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
      if (mine(this) && String(text) !== '') {
        const m = this.measureText(String(text));
        const t = this.getTransform();
        const corners = [
          [x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent],
          [x + m.actualBoundingBoxRight, y - m.actualBoundingBoxAscent],
          [x - m.actualBoundingBoxLeft, y + m.actualBoundingBoxDescent],
          [x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent],
        ].map(([px, py]) => t.transformPoint(new DOMPoint(px, py)));
        window.__canvasText.push({
          text: String(text),
          align: this.textAlign,
          upright: Math.abs(t.b) < 1e-9 && Math.abs(t.c) < 1e-9 && t.a > 0 && t.d > 0,
          box: {
            left: Math.min(...corners.map((p) => p.x)),
            right: Math.max(...corners.map((p) => p.x)),
            top: Math.min(...corners.map((p) => p.y)),
            bottom: Math.max(...corners.map((p) => p.y)),
          },
          canvas: { width: this.canvas.width, height: this.canvas.height },
        });
      }
      return fillText.call(this, text, x, y, ...rest);
    };
  }, selector);
}

/** The text of the latest drawing, once there is some. */
export async function canvasText(target) {
  await target.waitForFunction(() => window.__canvasText.length > 0, undefined, { timeout: 10_000 });
  return target.evaluate(() => window.__canvasText);
}

/** What is wrong with drawn text: anything outside its canvas (by more than a pixel, as a glyph's ink may
 * overhang its advance) or overlapping other text. */
export function textProblems(drawn) {
  const problems = drawn
    .filter(
      ({ box, canvas }) =>
        box.left < -1 || box.top < -1 || box.right > canvas.width + 1 || box.bottom > canvas.height + 1,
    )
    .map((d) => `"${d.text}" outside the canvas: ${JSON.stringify(d.box)} in ${JSON.stringify(d.canvas)}`);
  const overlap = (p, q) =>
    p.box.left < q.box.right && q.box.left < p.box.right && p.box.top < q.box.bottom && q.box.top < p.box.bottom;
  for (let i = 0; i < drawn.length; i++)
    for (let j = i + 1; j < drawn.length; j++)
      if (overlap(drawn[i], drawn[j])) problems.push(`"${drawn[i].text}" and "${drawn[j].text}" overlap`);
  return problems;
}

const AXIS_LABELS = ['step', 'x_t / noise', 'σ_t (log)'];

/** Asserts what the workbench's statistics chart must show (its three axis labels drawn, step and σ upright,
 * no text outside the canvas or overlapping) and returns the step axis's tick labels and the other ticks. */
export function checkStatisticsChart(drawn) {
  const label = (text) => drawn.find((d) => d.text === text);
  for (const text of AXIS_LABELS) assert(label(text), `the ${text} axis label is drawn`);
  assert(label('step').upright && label('σ_t (log)').upright, 'the step and σ axis labels read upright');
  const problems = textProblems(drawn);
  assert(problems.length === 0, problems.join('; '));
  const stepTicks = drawn.filter((d) => d.align === 'center' && d.upright && d.text !== 'step').map((d) => d.text);
  return { stepTicks, ticks: drawn.filter((d) => !AXIS_LABELS.includes(d.text)) };
}
