/**
 * Files the tool keeps (journal, results, the repeat-payee ledger) are its owner's only: 0600,
 * folders 0700. One found wider (made by hand, copied, restored from a backup, or written by an
 * earlier version) is tightened, saying so; one this user cannot tighten stops the run with the
 * command that does. Never used silently.
 */
import { chmod, lstat } from 'node:fs/promises';
import { PayoutsError } from './errors.js';

export interface PrivatePath {
  path: string;
  /** What it is, for the messages (`the journal`). */
  what: string;
}

/** Tightens each existing path (files to 0600 at most, folders to 0700); `onTightened` is told of each. */
export async function keepPrivate(paths: readonly PrivatePath[], onTightened: (message: string) => void): Promise<void> {
  for (const { path, what } of paths) {
    const info = await lstat(path).catch(() => undefined);
    if (!info || info.isSymbolicLink() || !(info.isFile() || info.isDirectory())) continue;
    const mode = info.mode & 0o777;
    const allowed = info.isDirectory() ? 0o700 : 0o600;
    if ((mode & ~allowed) === 0) continue;
    const tight = mode & allowed;
    const octal = (m: number): string => `0${m.toString(8).padStart(3, '0')}`;
    const uid = process.getuid?.();
    const mine = uid === undefined || uid === 0 || info.uid === uid;
    const failed = mine ? await chmod(path, tight).then(() => undefined, (error: NodeJS.ErrnoException) => error.code ?? 'EPERM') : 'owned by another user';
    if (!failed) {
      onTightened(`${what} ${path} could be read by others (mode ${octal(mode)}): tightened to ${octal(tight)}, its owner's only`);
      continue;
    }
    throw new PayoutsError(
      'not_private',
      `${what} ${path} can be read or written by others (mode ${octal(mode)}, ${failed}) and this user cannot change that: nothing was sent. ` +
        `Its owner (uid ${info.uid}) can fix it with: chmod ${octal(tight)} ${path} (or run as the user that owns it)`,
      2,
      { path },
    );
  }
}
