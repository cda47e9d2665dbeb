// The prompt box's feedback on the host side: the token count and unknown words of a prompt, from
// the model folder's own tokenizer files (no model loads). The last folder's tokenizer is kept, as
// the box asks again for the same model at every pause in typing.
import { readModelFolder } from '../modelFolder/modelFolder';
import { tokenWindow } from '../core/prompt/promptChunks';
import type { PromptTokens } from '../protocol/workbench';
import { PromptTokenizer } from './promptTokenizer';

export class PromptTokenCounter {
  private cached: { dir: string; tokenizer: PromptTokenizer } | undefined;

  /** What the model's tokenizer makes of `text`; a problem (no tokenizer, a bad weight) comes back as `error`. */
  count(modelDir: string, modelId: string, text: string): PromptTokens {
    const empty = { text, modelId, count: 0, window: 0, chunks: 0, unknown: [] };
    try {
      const tokenizer = this.tokenizer(modelDir);
      if (!tokenizer) return { ...empty, error: 'this model takes no prompt' };
      const { tokenCount, chunks } = tokenizer.encode(text);
      const unknown = tokenizer.unknownWordsAt(text).map(({ start, end }) => ({ start, end }));
      const window = tokenWindow(tokenCount, tokenizer.chunkLength);
      return { text, modelId, count: tokenCount, window, chunks: chunks.length, unknown };
    } catch (error) {
      return { ...empty, error: (error as Error).message };
    }
  }

  private tokenizer(dir: string): PromptTokenizer | undefined {
    if (this.cached?.dir !== dir) {
      const tokenizerDir = readModelFolder(dir).files.tokenizerDir;
      if (!tokenizerDir) return undefined;
      this.cached = { dir, tokenizer: PromptTokenizer.load(tokenizerDir) };
    }
    return this.cached.tokenizer;
  }
}
