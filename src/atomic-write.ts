import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from './journal/sync-directory.js';

/**
 * Writes a whole file or nothing: a temporary file in the same folder (owner-only), flushed, then
 * renamed over `path`. A reader (a person, node_exporter, the next run) sees the old file or the
 * new one, never half of one; a failure leaves no temporary file behind.
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** `writeFileAtomic` for a process about to exit (a crash's last words): no event loop needed. */
export function writeFileAtomicSync(path: string, text: string, mode = 0o600): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created or already renamed
    }
    throw error;
  }
}
