// Saves generated PNGs without ever replacing an existing file.
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes each PNG as <time>-<seed>.png (adding -2, -3, … when taken) and returns the paths. */
export async function savePngs(dir: string, pngs: { png: Uint8Array; seed: number }[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const paths: string[] = [];
  for (const { png, seed } of pngs) paths.push(await writeNew(dir, `${stamp}-${seed}`, png));
  return paths;
}

async function writeNew(dir: string, stem: string, data: Uint8Array): Promise<string> {
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? `${stem}.png` : `${stem}-${n}.png`);
    try {
      // 'wx' fails when the file exists, so nothing the user has is overwritten.
      await writeFile(path, data, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      // A failed write (disk full, read-only) must not leave a partial file behind.
      await unlink(path).catch(() => undefined);
      throw error;
    }
  }
}
