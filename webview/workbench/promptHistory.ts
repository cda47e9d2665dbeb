// Past prompts for ↑/↓ in the prompt box, as a shell's history: newest first, each prompt once,
// and what was being typed kept as the entry below the newest, so ↓ past the newest gives it back.
// No DOM here, so it is tested under Node.

export class PromptHistory {
  private entries: string[] = [];
  /** −1: the draft (what was typed); otherwise an index into entries. */
  private index = -1;
  private draft = '';

  /** The stored runs' prompts, newest first; moving through the history starts again from the draft. */
  setPrompts(newestFirst: readonly string[]): void {
    this.entries = [...new Set(newestFirst.filter((p) => p.trim() !== ''))];
    this.index = -1;
  }

  /** The prompt box was typed in: the history starts again from what it holds. */
  typed(): void {
    this.index = -1;
  }

  /** The next older prompt (↑), or undefined at the oldest; `current` is kept as the draft on the way in. */
  older(current: string): string | undefined {
    if (this.index + 1 >= this.entries.length) return undefined;
    if (this.index === -1) this.draft = current;
    return this.entries[++this.index];
  }

  /** The next newer prompt (↓), the draft after the newest, undefined when already at the draft. */
  newer(): string | undefined {
    if (this.index === -1) return undefined;
    this.index--;
    return this.index === -1 ? this.draft : this.entries[this.index];
  }
}
