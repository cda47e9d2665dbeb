// What a webview shows from its first paint, before its script has run (#15: something visible within
// 200 ms): plain markup in the page itself, a rough outline of the surface in VS Code's theme colours,
// with the "Loading …" line. The bootstrap (webview/bootstrap/main.ts) removes it once the surface
// puts its own content on the page. Markup and CSS only; nothing here runs.

type SkeletonKind = 'form' | 'image' | 'chart' | 'list';

/** Each surface's outline; a surface not named gets the loading line alone. */
const KINDS: Record<string, SkeletonKind> = {
  workbench: 'form',
  image: 'image',
  gallery: 'list',
  schedule: 'chart',
  sweep: 'chart',
  forward: 'chart',
};

// Shades of the theme's text colour, so the outline shows on light and dark themes alike (an input's
// background is the editor's own in Light+).
export const SKELETON_CSS = `
#dl-skeleton { margin: 12px 16px; font: var(--vscode-font-size) var(--vscode-font-family); }
#dl-skeleton .dl-loading { color: var(--vscode-descriptionForeground); margin: 0 0 12px; }
#dl-skeleton .dl-bar, #dl-skeleton .dl-block, #dl-skeleton .dl-label {
  display: block; border-radius: 2px; background: rgba(128, 128, 128, 0.15);
  background: color-mix(in srgb, var(--vscode-foreground) 10%, transparent);
}
#dl-skeleton .dl-bar { height: 26px; margin: 4px 0 12px; }
#dl-skeleton .dl-label { height: 10px; width: 30%; margin-top: 8px;
  background: color-mix(in srgb, var(--vscode-foreground) 25%, transparent); }
#dl-skeleton .dl-block { aspect-ratio: 1; width: min(512px, 100%); }
#dl-skeleton .dl-wide { aspect-ratio: 3; width: 100%; }
#dl-skeleton .dl-columns { display: grid; grid-template-columns: minmax(280px, 360px) minmax(0, 1fr); gap: 16px; }
#dl-skeleton .dl-row { display: flex; gap: 8px; margin-bottom: 8px; }
#dl-skeleton .dl-row .dl-block { width: 48px; flex: none; }
#dl-skeleton .dl-row .dl-bar { flex: 1; }
@media (max-width: 760px) { #dl-skeleton .dl-columns { grid-template-columns: minmax(0, 1fr); } }
`;

/** The skeleton of `surface`, its loading line naming `escapedTitle` (already HTML-escaped). */
export function skeletonHtml(surface: string, escapedTitle: string): string {
  const loading = `<p class="dl-loading" role="status">Loading ${escapedTitle}…</p>`;
  const kind = KINDS[surface];
  const body = kind ? OUTLINES[kind] : '';
  return `<div id="dl-skeleton" aria-busy="true">${loading}${body}</div>`;
}

const field = '<span class="dl-label"></span><span class="dl-bar"></span>';
const OUTLINES: Record<SkeletonKind, string> = {
  form: `<div class="dl-columns"><div>${field.repeat(7)}</div><div><span class="dl-block"></span></div></div>`,
  image: '<span class="dl-bar"></span><span class="dl-block"></span>',
  chart: '<span class="dl-bar"></span><span class="dl-block dl-wide"></span>',
  list: '<div class="dl-row"><span class="dl-block"></span><span class="dl-bar"></span></div>'.repeat(3),
};
