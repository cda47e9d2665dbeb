// The gallery's memory: every finished run kept in the extension's workspace storage, so it
// survives a window reload. One folder per run holds its summary and records (run.json), its PNGs
// and its captured steps (trajectory.bin, Node's structured serialization, which keeps typed
// arrays binary). index.json lists run ids, newest first. No vscode here: tests use a temp folder.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { parseRecord, type RunRecord } from '../../runs/runRecord';
import type { RunDetail, RunSummary, StepFrame } from '../../protocol/workbench';

interface StoredRun {
  summary: RunSummary;
  records: RunRecord[];
}

export class RunStore {
  private ids: string[] | undefined;

  /** `maxRuns`: older runs beyond it are dropped from the store (never from the output folder). */
  constructor(
    private readonly root: string,
    private readonly maxRuns = 100,
  ) {}

  /** Summaries, newest first; a run whose files went missing is left out. */
  async list(): Promise<RunSummary[]> {
    const runs = await Promise.all((await this.index()).map((id) => this.read(id)));
    return runs.filter((r): r is StoredRun => r !== undefined).map((r) => r.summary);
  }

  /** `thumbnails`: one small PNG per image, for the gallery. */
  async add(
    summary: RunSummary,
    records: RunRecord[],
    pngs: Uint8Array[],
    frames: StepFrame[],
    thumbnails: Uint8Array[] = [],
  ): Promise<void> {
    const dir = this.dir(summary.id);
    await mkdir(dir, { recursive: true });
    await Promise.all(pngs.map((png, i) => writeFile(join(dir, `image-${i}.png`), png)));
    await Promise.all(thumbnails.map((png, i) => writeFile(join(dir, `thumbnail-${i}.png`), png)));
    await writeFile(join(dir, 'trajectory.bin'), serialize(frames));
    await this.write(summary, records);
    const ids = [summary.id, ...(await this.index()).filter((id) => id !== summary.id)];
    const dropped = ids.splice(this.maxRuns);
    await this.saveIndex(ids);
    await Promise.all(dropped.map((id) => rm(this.dir(id), { recursive: true, force: true })));
  }

  /** Replaces a stored run's summary (e.g. after its images were saved). */
  async update(summary: RunSummary): Promise<void> {
    const stored = await this.read(summary.id);
    if (stored) await this.write(summary, stored.records);
  }

  /** Drops a run and its stored files; images saved into the output folder are not touched. */
  async remove(id: string): Promise<void> {
    await this.saveIndex((await this.index()).filter((i) => i !== id));
    await rm(this.dir(id), { recursive: true, force: true });
  }

  async records(id: string): Promise<RunRecord[] | undefined> {
    return (await this.read(id))?.records;
  }

  async pngs(id: string): Promise<Uint8Array[]> {
    const stored = await this.read(id);
    if (!stored) return [];
    const files = await Promise.all(
      stored.summary.images.map((_, i) =>
        readFile(join(this.dir(id), `image-${i}.png`)).then(
          // Exact-size copies: a pooled Buffer would send its whole backing store to a webview.
          (b) => new Uint8Array(b),
          () => undefined,
        ),
      ),
    );
    return files.filter((f) => f !== undefined);
  }

  /** The gallery's small PNG of each image of a run (undefined where there is none). Runs stored
   * before per-image thumbnails have one, of their first image, in thumbnail.png. */
  async thumbnails(id: string): Promise<(Uint8Array | undefined)[]> {
    const stored = await this.read(id);
    const read = (name: string): Promise<Uint8Array | undefined> =>
      readFile(join(this.dir(id), name)).then(
        (b) => new Uint8Array(b),
        () => undefined,
      );
    const files = await Promise.all((stored?.summary.images ?? []).map((_, i) => read(`thumbnail-${i}.png`)));
    if (files.length > 0 && !files.some(Boolean)) files[0] = await read('thumbnail.png');
    return files;
  }

  async detail(id: string): Promise<RunDetail | undefined> {
    const stored = await this.read(id);
    if (!stored) return undefined;
    const frames = await readFile(join(this.dir(id), 'trajectory.bin'))
      .then((b) => deserialize(b) as StepFrame[])
      .catch(() => []);
    return { run: stored.summary, frames, pngs: await this.pngs(id) };
  }

  private dir(id: string): string {
    return join(this.root, 'runs', id);
  }

  private async read(id: string): Promise<StoredRun | undefined> {
    try {
      const stored = JSON.parse(await readFile(join(this.dir(id), 'run.json'), 'utf8')) as StoredRun;
      return upgrade(stored);
    } catch {
      return undefined;
    }
  }

  private write(summary: RunSummary, records: RunRecord[]): Promise<void> {
    return writeAtomic(join(this.dir(summary.id), 'run.json'), JSON.stringify({ summary, records }));
  }

  private async index(): Promise<string[]> {
    if (!this.ids) {
      try {
        const value: unknown = JSON.parse(await readFile(join(this.root, 'index.json'), 'utf8'));
        this.ids = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      } catch {
        this.ids = [];
      }
    }
    return this.ids;
  }

  private async saveIndex(ids: string[]): Promise<void> {
    this.ids = ids;
    await writeAtomic(join(this.root, 'index.json'), JSON.stringify(ids));
  }
}

/** Runs stored by the first release kept the form's parameters and flat records: the spec is
 * rebuilt from their first record, so nothing in the gallery is lost. */
function upgrade(stored: StoredRun): StoredRun {
  const records = stored.records.map((r) => parseRecord(JSON.stringify(r))).filter((r) => r !== undefined);
  if (records.length !== stored.records.length) throw new Error('unreadable run record');
  const summary = stored.summary.spec
    ? stored.summary
    : { ...stored.summary, spec: { ...records[0].spec, seed: records[0].seed } };
  return { summary, records };
}

/** A new run id: sortable by time, safe as a folder name and as a protocol id. */
export function newRunId(now = new Date()): string {
  return `${now.getTime().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Replace a file so a crash mid-write leaves the old one, never half of the new one. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(temp, text);
  await rename(temp, path);
}
