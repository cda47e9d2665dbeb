// Path rules for the folder settings, kept free of the vscode API so they are unit-tested.
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** An absolute path from a setting: `~` is the home folder, relative paths start at `base`
 * (the first workspace folder); undefined when the path is relative and there is no base. */
export function resolveSettingPath(setting: string, base: string | undefined): string | undefined {
  const path = setting === '~' || setting.startsWith('~/') ? join(homedir(), setting.slice(1)) : setting;
  if (isAbsolute(path)) return resolve(path);
  return base === undefined ? undefined : resolve(base, path);
}

/** Whether `dir` is one of `folders` or lies inside one. */
export function isInsideAny(dir: string, folders: readonly string[]): boolean {
  return folders.some((folder) => {
    const rel = relative(folder, dir);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}
