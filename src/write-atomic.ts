/**
 * The one way the tool replaces a file: written beside it as `<path>.tmp-<pid>-<random>`, owner-only
 * (0600), then renamed onto it, so a reader sees the old whole file or the new one, never half.
 * `durable` fsyncs the file before the rename and its folder after, so it survives a power cut.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from './journal/sync-directory.js';

export interface AtomicOptions {
  /** A plan, results, a rewritten journal: yes; a cache: no. */
  durable: boolean;
}

/** A temp file being written: `commit` renames it onto its path, `abort` removes it (both safe twice). */
export interface AtomicFile {
  readonly handle: FileHandle;
  readonly tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function writeAtomic(path: string, data: string | Uint8Array, options: AtomicOptions): Promise<void> {
  const file = await openAtomic(path, options);
  await file.handle.writeFile(data).catch(async (error: unknown) => {
    await file.abort();
    throw error;
  });
  await file.commit();
}

/** For a file written in pieces (the results CSV); `writeAtomic` for one written whole. */
export async function openAtomic(path: string, { durable }: AtomicOptions): Promise<AtomicFile> {
  const tempPath = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(tempPath, 'wx', 0o600);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= handle.close());
  const abort = async (): Promise<void> => {
    await close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
  };
  const commit = async (): Promise<void> => {
    try {
      if (durable) await handle.sync();
      await close();
      await rename(tempPath, path);
    } catch (error) {
      await abort();
      throw error;
    }
    if (durable) await syncDirectory(dirname(path));
  };
  return { handle, tempPath, commit, abort };
}
