/**
 * The one way the tool replaces a file: written beside it as `<path>.tmp-<pid>-<random>`, owner-only
 * (0600), then renamed onto it, so a reader sees the old whole file or the new one, never half.
 * `durable` fsyncs the file before the rename and its folder after, so it survives a power cut.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from './journal/sync-directory.js';

export interface AtomicOptions {
  /** A plan, results, a rewritten journal: yes; a cache: no. */
  durable: boolean;
  /** Default 0600; the metrics file is 0644, for node_exporter (it holds no payee data). */
  mode?: number;
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
export async function openAtomic(path: string, { durable, mode = 0o600 }: AtomicOptions): Promise<AtomicFile> {
  const tempPath = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(tempPath, 'wx', mode);
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

/** `writeAtomic` for a process about to exit (a crash's last words, exit 3): no event loop needed. */
export function writeAtomicSync(path: string, data: string, { durable, mode = 0o600 }: AtomicOptions): void {
  const tempPath = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tempPath, 'wx', mode);
  let unclosed = true;
  try {
    writeSync(fd, data);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    unclosed = false;
    renameSync(tempPath, path);
  } catch (error) {
    if (unclosed) closeSync(fd);
    rmSync(tempPath, { force: true });
    throw error;
  }
}
