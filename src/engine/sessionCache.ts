// Loaded model folders, most recently used first. A folder whose files changed (size or mtime) is
// reloaded; at most MAX_LOADED stay in memory, since a Stable Diffusion folder holds gigabytes.
import { resolve } from 'node:path';
import type { ProviderName } from '../protocol/engine';
import { folderSignature, readModelFolder } from '../modelFolder/modelFolder';
import { loadSessions, type ModelSessions } from './modelSessions';
import type { EngineLog } from './unetPeer';

const MAX_LOADED = 2;

interface Entry {
  signature: string;
  provider: ProviderName;
  sessions: ModelSessions;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  /** graphCacheDir: where onnxruntime's optimized graphs are kept across runs (graphCache.ts); none when
   * undefined. `log` hears what does not stop a run. */
  constructor(
    private readonly graphCacheDir?: string,
    private readonly log?: EngineLog,
  ) {}

  /** The last get(): each waits for the one before, so runs that start together load a folder once. */
  private turn: Promise<unknown> = Promise.resolve();

  /** The folder's sessions and whether they were loaded now (false: reused from the cache). */
  get(modelDir: string, provider: ProviderName = 'auto'): Promise<{ sessions: ModelSessions; loaded: boolean }> {
    const got = this.turn.then(() => this.getNow(modelDir, provider));
    this.turn = got.catch(() => undefined);
    return got;
  }

  private async getNow(
    modelDir: string,
    provider: ProviderName,
  ): Promise<{ sessions: ModelSessions; loaded: boolean }> {
    const dir = resolve(modelDir);
    const folder = readModelFolder(dir);
    const signature = folderSignature(dir);
    const hit = this.entries.get(dir);
    if (hit && hit.signature === signature && hit.provider === provider) {
      this.entries.delete(dir);
      this.entries.set(dir, hit);
      return { sessions: hit.sessions, loaded: false };
    }
    await this.unload(dir);
    const sessions = await loadSessions(folder, provider, this.graphCacheDir, this.log);
    this.entries.set(dir, { signature, provider, sessions });
    for (const old of [...this.entries.keys()].slice(0, Math.max(0, this.entries.size - MAX_LOADED)))
      await this.unload(old);
    return { sessions, loaded: true };
  }

  /** Releases a folder's sessions; false when it was not loaded. */
  async unload(modelDir: string): Promise<boolean> {
    const dir = resolve(modelDir);
    const entry = this.entries.get(dir);
    if (!entry) return false;
    this.entries.delete(dir);
    const s = entry.sessions;
    const models = [s.unet, s.textEncoder, s.textEncoder2, s.vaeDecoder, s.taesdDecoder, s.vaeEncoder?.model];
    await Promise.all([...models.filter((m) => m !== undefined).map((m) => m.release()), s.unetPeer?.release()]);
    return true;
  }
}
