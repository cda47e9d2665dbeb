// The sampler picker: one searchable list of every sampler name (A1111, ComfyUI, diffusers), grouped, each
// entry that cannot run saying why on its own line. An ARIA combobox (WAI-ARIA APG "select-only combobox"
// with filtering): typing filters by every word, ↑/↓ move, Enter picks, Escape closes. @vscode-elements'
// single-select has no groups and shows nothing for a disabled option, hence this element. It behaves as
// the form's other controls do: `value`, `invalid`, `disabled`, a 'change' event on a pick.
import {
  SAMPLER_GROUPS,
  samplerRefusal,
  type SamplerGroup,
  type SamplerModel,
  type SamplerOption,
} from '../../src/protocol/workbenchSampler';

interface Row {
  option: SamplerOption;
  element: HTMLElement;
  why: HTMLElement;
  /** Lower-case label, other names and group, for the filter. */
  text: string;
  refusal?: string;
}

export class SamplerPicker extends HTMLElement {
  private readonly input = document.createElement('input');
  private readonly list = document.createElement('div');
  private rows: Row[] = [];
  private groups = new Map<SamplerGroup, HTMLElement>();
  private current = '';
  private active: Row | undefined;
  private model: SamplerModel | undefined;

  constructor() {
    super();
    this.input.className = 'picker-input';
    this.input.setAttribute('role', 'combobox');
    this.input.setAttribute('aria-autocomplete', 'list');
    this.input.setAttribute('aria-expanded', 'false');
    this.input.spellcheck = false;
    this.input.placeholder = 'Type to search samplers';
    this.list.className = 'picker-list';
    this.list.setAttribute('role', 'listbox');
    this.list.hidden = true;
    this.input.addEventListener('focus', () => this.open());
    this.input.addEventListener('click', () => this.open());
    this.input.addEventListener('input', () => this.filter(this.input.value));
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('blur', () => this.close());
    // Keep the focus in the input while an option is clicked.
    this.list.addEventListener('mousedown', (e) => e.preventDefault());
    this.list.addEventListener('click', (e) => {
      const row = this.rows.find((r) => r.element.contains(e.target as Node));
      if (row && !row.refusal) this.pick(row);
    });
  }

  connectedCallback(): void {
    // Children go in here: an element made by createElement may not have any when its constructor returns.
    if (this.input.isConnected) return;
    this.append(this.input, this.list);
    const listId = `${this.id}-list`;
    this.list.id = listId;
    this.input.setAttribute('aria-controls', listId);
    this.input.id = `${this.id}-input`;
  }

  get value(): string {
    return this.current;
  }

  set value(id: string) {
    this.current = id;
    for (const r of this.rows) r.element.setAttribute('aria-selected', String(r.option.id === id));
    this.showValue();
  }

  get invalid(): boolean {
    return this.input.getAttribute('aria-invalid') === 'true';
  }

  set invalid(invalid: boolean) {
    this.input.setAttribute('aria-invalid', String(invalid));
  }

  get disabled(): boolean {
    return this.input.disabled;
  }

  set disabled(disabled: boolean) {
    this.input.disabled = disabled;
  }

  override focus(): void {
    this.input.focus();
  }

  /** The option picked, if it is in the list. */
  get selectedOption(): SamplerOption | undefined {
    return this.rows.find((r) => r.option.id === this.current)?.option;
  }

  setOptions(options: readonly SamplerOption[]): void {
    this.groups = new Map();
    this.rows = options.map((option, i) => this.row(option, i));
    this.list.replaceChildren(...this.groups.values());
    this.setModel(this.model);
    this.value = this.current;
  }

  /** Marks the entries `model` cannot run, with the reason. */
  setModel(model: SamplerModel | undefined): void {
    this.model = model;
    for (const r of this.rows) {
      r.refusal = samplerRefusal(r.option, model);
      r.element.setAttribute('aria-disabled', String(!!r.refusal));
      r.element.classList.toggle('disabled', !!r.refusal);
      r.why.textContent = r.refusal ? `Unavailable: ${r.refusal}` : '';
      r.why.hidden = !r.refusal;
    }
  }

  private row(option: SamplerOption, index: number): Row {
    const element = document.createElement('div');
    element.className = 'picker-option';
    element.id = `${this.id}-option-${index}`;
    element.setAttribute('role', 'option');
    const label = document.createElement('span');
    label.className = 'picker-label';
    label.textContent = option.label;
    element.append(label);
    if (option.detail) {
      const detail = document.createElement('span');
      detail.className = 'picker-detail';
      detail.textContent = option.detail;
      element.append(detail);
    }
    const why = document.createElement('span');
    why.className = 'picker-why';
    element.append(why);
    this.groupElement(option.group).append(element);
    const text = `${option.label} ${option.detail ?? ''} ${SAMPLER_GROUPS[option.group]}`.toLowerCase();
    return { option, element, why, text };
  }

  private groupElement(group: SamplerGroup): HTMLElement {
    let element = this.groups.get(group);
    if (!element) {
      element = document.createElement('div');
      element.className = 'picker-group';
      element.setAttribute('role', 'group');
      const heading = document.createElement('div');
      heading.className = 'picker-heading';
      heading.id = `${this.id}-group-${group}`;
      heading.textContent = SAMPLER_GROUPS[group];
      element.setAttribute('aria-labelledby', heading.id);
      element.append(heading);
      this.groups.set(group, element);
    }
    return element;
  }

  private open(): void {
    if (!this.list.hidden || this.input.disabled) return;
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.input.select();
    this.filter('');
    this.setActive(this.rows.find((r) => r.option.id === this.current));
  }

  private close(): void {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.setActive(undefined);
    this.showValue();
  }

  /** Shows the entries whose text holds every word typed; the one whose label is the text typed (else the
   * first that can run) is active, so typing a full name and Enter picks it. */
  private filter(query: string): void {
    if (this.list.hidden) {
      this.list.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
    }
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    for (const r of this.rows) r.element.hidden = !words.every((w) => r.text.includes(w));
    for (const g of this.groups.values())
      g.hidden = ![...g.querySelectorAll<HTMLElement>('.picker-option')].some((o) => !o.hidden);
    const shown = this.rows.filter((r) => !r.element.hidden && !r.refusal);
    const exact = shown.find((r) => r.option.label.toLowerCase() === query.trim().toLowerCase());
    this.setActive(exact ?? shown[0]);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const open = !this.list.hidden;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) return this.open();
      const shown = this.rows.filter((r) => !r.element.hidden && !r.refusal);
      const at = this.active ? shown.indexOf(this.active) : -1;
      const next = e.key === 'ArrowDown' ? Math.min(at + 1, shown.length - 1) : Math.max(at - 1, 0);
      this.setActive(shown[next]);
    } else if (e.key === 'Enter' && open) {
      e.preventDefault();
      if (this.active) this.pick(this.active);
    } else if (e.key === 'Escape' && open) {
      // Closing the list is all Escape does here (the panel's Escape cancels a run).
      e.preventDefault();
      e.stopPropagation();
      this.close();
    }
  }

  private setActive(row: Row | undefined): void {
    this.active?.element.classList.remove('active');
    this.active = row;
    if (!row) return this.input.removeAttribute('aria-activedescendant');
    row.element.classList.add('active');
    this.input.setAttribute('aria-activedescendant', row.element.id);
    // Scrolls the list only (scrollIntoView would scroll the page too); the list is the options' offsetParent.
    const { offsetTop: top, offsetHeight: height } = row.element;
    const list = this.list;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + height > list.scrollTop + list.clientHeight) list.scrollTop = top + height - list.clientHeight;
  }

  private pick(row: Row): void {
    const changed = row.option.id !== this.current;
    this.value = row.option.id;
    this.close();
    if (changed) this.dispatchEvent(new Event('change', { bubbles: true }));
  }

  private showValue(): void {
    if (!this.list.hidden) return;
    const option = this.selectedOption;
    this.input.value = option ? option.label : this.current;
    this.input.title = option ? `${SAMPLER_GROUPS[option.group]}: ${option.label}` : '';
  }
}

customElements.define('dl-sampler-picker', SamplerPicker);
