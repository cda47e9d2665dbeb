// The line under a prompt box: the token count against the text encoder's windows (A1111's "n/75";
// "80/150" once the prompt takes two chunks) and the words the model's tokenizer does not know,
// refreshed from the host's tokenizer at each pause in typing, and at once for a prompt set whole.
import type { PromptField, PromptTokens } from '../../src/protocol/workbench';

const PAUSE_MS = 200;

export class PromptFeedback {
  readonly element = document.createElement('div');
  private timer: number | undefined;
  /** The prompt and model the line should describe; answers for anything else are stale. */
  private wanted = { text: '', modelId: '' };

  constructor(
    field: PromptField,
    private readonly ask: (text: string, modelId: string) => void,
  ) {
    this.element.className = 'prompt-feedback';
    this.element.id = `${field}-feedback`;
    this.element.setAttribute('role', 'status');
    this.element.title =
      'Tokens against the text encoder’s windows (75 tokens for CLIP); ' +
      'a longer prompt is encoded in chunks, as A1111 does';
  }

  /** The prompt or the model changed: asks the host once typing pauses, or, for a prompt set whole (`typed`
   * false: a restored run, the panel's start), at once, clearing the line meanwhile: it described another
   * prompt, whose unknown words would show under this one. */
  changed(text: string, modelId: string, typed = true): void {
    if (text === this.wanted.text && modelId === this.wanted.modelId) return;
    this.wanted = { text, modelId };
    window.clearTimeout(this.timer);
    if (typed) {
      this.timer = window.setTimeout(() => this.ask(text, modelId), PAUSE_MS);
      return;
    }
    this.element.replaceChildren();
    this.ask(text, modelId);
  }

  show(tokens: PromptTokens): void {
    if (tokens.text !== this.wanted.text || tokens.modelId !== this.wanted.modelId) return;
    const count = span('token-count', tokens.error ? '' : `${tokens.count}/${tokens.window}`);
    if (tokens.chunks > 1) count.textContent += ` (${tokens.chunks} chunks)`;
    const parts: HTMLElement[] = [count];
    if (tokens.error) parts.push(span('error', tokens.error));
    if (tokens.unknown.length > 0) {
      const words = [...new Set(tokens.unknown.map(({ start, end }) => tokens.text.slice(start, end)))];
      const list = span('unknown-words', 'Unknown to the model (ignored): ');
      list.append(...words.map((w) => span('unknown-word', w, 'mark')));
      parts.push(list);
    }
    this.element.replaceChildren(...parts);
  }
}

function span(className: string, text: string, tag = 'span'): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  e.textContent = text;
  return e;
}
