// Secondary actions that fold away in a narrow panel. Where there is room they stand in place (CSS
// shows the wrapper's contents and hides its toggle); in a narrow panel a "⋯" toggle shows them as a
// column: above the Generate bar, so the bar stays one row (Generate wide, Cancel, "⋯"), and under
// each image of the run on view.

/** Wraps `items` in a fold-away menu labelled `label` (its toggle's accessible name). */
export function overflowMenu(items: HTMLElement[], label: string): HTMLElement {
  const wrapper = document.createElement('div');
  wrapper.className = 'overflow';
  const toggle = document.createElement('vscode-button');
  toggle.className = 'overflow-toggle';
  toggle.textContent = '⋯';
  toggle.setAttribute('secondary', '');
  toggle.setAttribute('aria-label', label);
  toggle.setAttribute('aria-expanded', 'false');
  toggle.addEventListener('click', () => setOpen(wrapper, !wrapper.classList.contains('open')));
  const menu = document.createElement('div');
  menu.className = 'overflow-menu';
  menu.append(...items);
  // An action taken closes the menu.
  menu.addEventListener('click', () => setOpen(wrapper, false));
  wrapper.append(toggle, menu);
  toggle.title = `${label}: ${actionNames(menu).join(', ')}`;
  // Escape closes the menu only; elsewhere in the form it cancels the run.
  wrapper.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || !wrapper.classList.contains('open')) return;
    e.stopPropagation();
    setOpen(wrapper, false);
    toggle.focus();
  });
  return wrapper;
}

// One listener for every menu (image tiles come and go with each run): a click elsewhere closes them.
document.addEventListener('click', (e) => {
  for (const open of document.querySelectorAll<HTMLElement>('.overflow.open'))
    if (!open.contains(e.target as Node)) setOpen(open, false);
});

function setOpen(wrapper: HTMLElement, open: boolean): void {
  wrapper.classList.toggle('open', open);
  wrapper.querySelector('.overflow-toggle')?.setAttribute('aria-expanded', String(open));
  if (open) wrapper.querySelector<HTMLElement>('.overflow-menu :is(button, vscode-button):not([disabled])')?.focus();
}

function actionNames(menu: HTMLElement): string[] {
  return [...menu.querySelectorAll('button, vscode-button')].map((b) => b.textContent?.trim() ?? '');
}
