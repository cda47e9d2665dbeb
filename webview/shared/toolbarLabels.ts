// Labels of the toolbars' controls and fieldsets, shared by the schedule inspector and the forward view.

/** A control with its text before it, so a click on the text reaches the control. */
export function label(text: string, control: HTMLElement): HTMLLabelElement {
  const l = document.createElement('label');
  l.append(text + ' ', control);
  return l;
}

export function legend(text: string): HTMLLegendElement {
  const l = document.createElement('legend');
  l.textContent = text;
  return l;
}
