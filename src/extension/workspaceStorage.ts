// VS Code hands an extension host `<id>-1` … `<id>-9` as its workspace storage while another host
// still holds the lock on `<id>`: the old host of a reloading window does for a few seconds. Runs
// kept in whichever folder a host got would vanish from the gallery after such a reload, so they
// live in `<id>` always (VS Code made it before trying the others).
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The workspace storage folder that stays the same across reloads, for `storage` as VS Code gave it. */
export function stableStorage(storage: string, exists: (path: string) => boolean = existsSync): string {
  const id = /^(.+)-[1-9]$/.exec(basename(storage))?.[1];
  if (id === undefined) return storage;
  const first = join(dirname(storage), id);
  return exists(first) ? first : storage;
}
