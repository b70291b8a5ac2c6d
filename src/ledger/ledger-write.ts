/**
 * Appending to the ledger file under its lock: every byte written (a short write is continued),
 * made durable before the caller sends the batch the lines cover, or an error naming the ledger.
 * A torn last line (a run killed mid-append: its batch was never sent) is cut off first.
 */
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from '../journal/sync-directory.js';
import { ledgerWriteFailed } from './ledger-errors.js';
import type { AtomicFile } from '../write-atomic.js';
import { writeEveryByte, type ByteSink } from '../write-every-byte.js';
import type { LedgerTail } from './ledger-read.js';

/** The part of a file handle the append uses (a `FileHandle` is one). */
export interface AppendHandle extends ByteSink {
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** How the ledger file is opened for appending: tests inject short writes and full disks here. */
export interface LedgerFiles {
  openAppend(path: string): Promise<AppendHandle>;
  /** How compaction opens the new compacted file (default: the one atomic write, durable). */
  openReplacement?(path: string): Promise<AtomicFile>;
}

export const diskFiles: LedgerFiles = { openAppend: (path) => open(path, 'a', 0o600) };

export interface AppendOptions {
  files: LedgerFiles;
  durable: boolean;
  onWarning?: ((message: string) => void) | undefined;
}

/** Writes `text` whole at the end of the caught-up file; on failure cuts it back (best effort) and throws. */
export async function appendWhole(file: string, tail: LedgerTail, text: string, options: AppendOptions): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let handle: AppendHandle | undefined;
  let touched = false;
  try {
    handle = await options.files.openAppend(file);
    if (tail.partial > 0) {
      touched = true;
      await handle.truncate(tail.offset);
      options.onWarning?.(`ledger ${file}: its last line was incomplete (a run was stopped while writing it, before sending its batch): removed`);
      tail.partial = 0;
    }
    touched = true;
    await writeEveryByte(handle, bytes);
    if (options.durable) await handle.datasync();
  } catch (error) {
    // Lines of a batch that will not be sent would only hold too much, but a torn one must not stay.
    if (handle && touched) await handle.truncate(tail.offset).catch(() => undefined);
    await handle?.close().catch(() => undefined);
    throw ledgerWriteFailed(file, error);
  }
  try {
    await handle.close();
    if (tail.offset === 0 && options.durable) await syncDirectory(dirname(file)); // the file is new
  } catch (error) {
    throw ledgerWriteFailed(file, error);
  }
  tail.offset += bytes.length;
  tail.lines += countLines(bytes);
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n += 1;
  return n;
}
