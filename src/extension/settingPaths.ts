// Path rules for the folder settings, kept free of the vscode API so they are unit-tested.
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** An absolute path from a setting: `~` is the home folder, relative paths start at `base`
 * (the first workspace folder); undefined when the path is relative and there is no base. */
export function resolveSettingPath(setting: string, base: string | undefined): string | undefined {
  const path = setting === '~' || setting.startsWith('~/') ? join(homedir(), setting.slice(1)) : setting;
  if (isAbsolute(path)) return resolve(path);
  return base === undefined ? undefined : resolve(base, path);
}

/** The folder a path really names: its nearest existing ancestor's real path (symlinks resolved)
 * joined with the part that does not exist yet. */
export function realFolder(dir: string): string {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  return join(realpathSync(existing), relative(existing, dir));
}

/** Whether `dir` is one of `folders` or lies inside one. */
export function isInsideAny(dir: string, folders: readonly string[]): boolean {
  return folders.some((folder) => {
    const rel = relative(folder, dir);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}
