// Runs inside the schedule inspector page (kept as plain JS: the TypeScript loader would add helpers
// the page does not have). Posts `edits` document edits as the host would and times each until the
// plots report that version as drawn, and until the next animation frame.
export async function timeEdits({ config, edits, relabel, warmup }) {
  const drawn = [];
  const framed = [];
  const waitVersion = (v) =>
    new Promise((resolve) => {
      const check = () => document.body.dataset.renderedVersion === String(v);
      if (check()) return resolve();
      const obs = new MutationObserver(() => {
        if (check()) {
          obs.disconnect();
          resolve();
        }
      });
      obs.observe(document.body, { attributes: true, attributeFilter: ['data-rendered-version'] });
    });
  const base = Number(document.body.dataset.renderedVersion ?? 0) + 1;
  for (let i = 0; i < edits + warmup; i++) {
    const version = base + i;
    const name = relabel ? `sdxl ${version}` : 'sdxl';
    const schedules = [{ name, config: { ...config, beta_end: 0.012 + i * 1e-5 } }];
    const t0 = performance.now();
    window.postMessage(
      { type: 'document', version, source: { id: 'document', label: 'sdxl', schedules, findings: [] } },
      '*',
    );
    await waitVersion(version);
    const t1 = performance.now();
    await new Promise((r) => requestAnimationFrame(r));
    if (i >= warmup) {
      drawn.push(t1 - t0);
      framed.push(performance.now() - t0);
    }
  }
  return { drawn, framed, curves: document.querySelectorAll('[data-plot="sigma"] .u-legend .u-series').length - 1 };
}
