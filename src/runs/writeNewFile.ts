// Writes output files so that nothing the user has is overwritten and a failed write leaves
// nothing behind: the bytes go to a temporary file in the same folder, which is then hard-linked
// under its final name. link() refuses an existing name atomically, which rename() would replace.
import { copyFile, constants, link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputWriteError, temporaryPath } from './writeFileSafely';

/**
 * Writes `data` as `<stem><ext>` in `dir`, or `<stem>-2<ext>`, `-3`, … when that name is taken.
 * Creates `dir` when missing. Returns the path written.
 */
export async function writeNewFile(dir: string, stem: string, ext: string, data: Uint8Array): Promise<string> {
  const temp = temporaryPath(dir);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temp, data, { flag: 'wx' });
    for (let n = 1; ; n++) {
      const path = join(dir, n === 1 ? `${stem}${ext}` : `${stem}-${n}${ext}`);
      if (await claim(temp, path)) return path;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code ? new OutputWriteError(code, join(dir, `${stem}${ext}`), error) : error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Gives the temporary file its final name unless that name exists; false when it does. */
async function claim(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links (FAT, some network shares): an exclusive copy still never
    // overwrites; a copy that fails half way is removed.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
    try {
      await copyFile(temp, path, constants.COPYFILE_EXCL);
      return true;
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') return false;
      await unlink(path).catch(() => undefined);
      throw copyError;
    }
  }
}
