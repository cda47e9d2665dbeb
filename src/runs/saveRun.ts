// A finished run's files in the output folder: per image a PNG carrying its parameters and record
// and, when asked, the record again as JSON of the same name; never replacing an existing file.
import { basename } from 'node:path';
import type { RunRecord } from './runRecord';
import { writeNewFile } from './writeNewFile';

/** File name stem of a run's outputs: local time to the second, then the seed. */
export function outputStem(createdAt: Date, seed: number): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const d = createdAt;
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${seed}`;
}

/** Writes image i as <stem>.png and, with `withJson`, its record as <stem>.json; returns the file
 * names written. */
export async function saveRunFiles(
  dir: string,
  records: RunRecord[],
  pngs: Uint8Array[],
  withJson: boolean,
): Promise<{ png: string; json?: string }[]> {
  const saved: { png: string; json?: string }[] = [];
  for (const [i, record] of records.entries()) {
    const png = await writeNewFile(dir, outputStem(new Date(record.createdAt), record.seed), '.png', pngs[i]);
    const stem = basename(png, '.png');
    if (!withJson) {
      saved.push({ png: basename(png) });
      continue;
    }
    const text = `${JSON.stringify({ ...record, image: `${stem}.png` }, null, 2)}\n`;
    const json = await writeNewFile(dir, stem, '.json', new TextEncoder().encode(text));
    saved.push({ png: basename(png), json: basename(json) });
  }
  return saved;
}
