import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Why this user could not create or write files in `folder`, or undefined when it can: the folder,
 * or the nearest part of its path that exists, must be a folder this user may write in. Checked
 * before anything is sent (a dry run too), since permission bits alone do not tell (root ignores
 * them; a read-only mount or a path under a file stops root too).
 */
export async function whyNotWritable(folder: string): Promise<string | undefined> {
  const target = resolve(folder);
  for (let path = target; ; path = dirname(path)) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(path) !== path) continue;
      return `${path} cannot be read (${code})`;
    }
    if (!info.isDirectory()) return `${path} is a file, not a folder`;
    const denied = await access(path, constants.W_OK | constants.X_OK).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error.code ?? 'EACCES',
    );
    if (!denied) return undefined;
    const why = denied === 'EROFS' ? 'is on a read-only file system' : 'cannot be written by this user';
    return path === target ? `it ${why} (${denied})` : `${path}, where it would be created, ${why} (${denied})`;
  }
}
