import { open } from 'node:fs/promises';

/**
 * fsyncs a directory so a file just created or renamed in it survives a power cut.
 * Some platforms (Windows) cannot open a directory: there it is a no-op, not an error.
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}
