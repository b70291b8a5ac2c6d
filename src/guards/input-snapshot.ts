/**
 * The bytes paid are the bytes checked: a run reads the input file once, into a private copy (a
 * folder of its own, 0700, in the temp folder), hashing it as it copies. The header check and
 * the check before sending (validation, totals, gates, the plan's hash, the live confirmation)
 * read the copy; the paying pass pays the check's plans, spooled beside it. Whatever happens to
 * the file meanwhile cannot reach a row that is sent; comparing the file with the copy tells whether it changed, so the run can say so.
 * Memory stays flat: the copy is streamed through one buffer.
 */
import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unreadableInput } from '../csv/head.js';
import { UsageError } from '../errors.js';
import { digestFile, stampOf } from '../file-digest.js';
import { writeEveryByte } from '../write-every-byte.js';
import { claimFolder, folderPrefix, removeStaleCopies } from './stale-copies.js';

const CHUNK = 1 << 20;

export interface InputSnapshot {
  /** The file as the user named it: what messages name. */
  readonly path: string;
  /** The private copy every pass reads. */
  readonly copy: string;
  /** SHA-256 (hex) and size of the copy: of the bytes checked and paid. */
  readonly sha256: string;
  readonly size: number;
  /** Whether the file no longer holds the bytes of the copy (changed, replaced or gone). */
  changed(): Promise<boolean>;
  /** Removes the copy and its folder; safe to call more than once. */
  remove(): Promise<void>;
  /** Private folders of killed runs this run removed (see stale-copies.ts). */
  readonly staleRemoved: number;
}

/** Copies `path` into a private folder of its own. InputError if the file cannot be read, UsageError if the copy cannot be written. */
export async function takeSnapshot(path: string): Promise<InputSnapshot> {
  let source: FileHandle;
  try {
    source = await open(path, 'r');
  } catch (error) {
    throw unreadableInput(path, error);
  }
  const staleRemoved = await removeStaleCopies(tmpdir());
  const dir = await mkdtemp(join(tmpdir(), folderPrefix())).catch((error: unknown) => {
    void source.close();
    throw copyFailed(path, tmpdir(), error);
  });
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await claimFolder(dir).catch((error: unknown) => Promise.reject(copyFailed(path, dir, error)));
    const before = await source.stat({ bigint: true });
    const copy = join(dir, 'input.csv');
    const { sha256, size } = await copyHashing(path, source, copy);
    const changed = async (): Promise<boolean> => {
      const now = await stat(path, { bigint: true }).catch(() => undefined);
      if (!now) return true;
      if (sameFile(before, now)) return false;
      // Touched, or copied while it was being written: the bytes decide.
      return (await digestFile(path).catch(() => undefined))?.sha256 !== sha256;
    };
    return { path, copy, sha256, size, changed, remove, staleRemoved };
  } catch (error) {
    await remove();
    throw error;
  } finally {
    await source.close();
  }
}

async function copyHashing(path: string, source: FileHandle, copy: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let target: FileHandle;
  try {
    target = await open(copy, 'wx', 0o600);
  } catch (error) {
    throw copyFailed(path, copy, error);
  }
  try {
    let size = 0;
    for (;;) {
      const { bytesRead } = await source.read(buffer, 0, CHUNK, null).catch((error: unknown) => Promise.reject(unreadableInput(path, error)));
      if (bytesRead === 0) return { sha256: hash.digest('hex'), size };
      const bytes = buffer.subarray(0, bytesRead);
      hash.update(bytes);
      await writeEveryByte(target, bytes).catch((error: unknown) => Promise.reject(copyFailed(path, copy, error)));
      size += bytesRead;
    }
  } finally {
    await target.close();
  }
}

/** The same file, untouched since (see stampOf). */
function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return stampOf(a) === stampOf(b);
}

function copyFailed(path: string, where: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  const fix =
    code === 'EFBIG' ? 'the file size limit (ulimit -f) is reached: raise it'
    : code === 'ENOSPC' || code === 'EDQUOT' ? 'no space left there: free some space, or point TMPDIR at a folder on a disk with room for a copy of the file'
    : 'point TMPDIR at a folder you can write to, on a disk with room for a copy of the file';
  return new UsageError('input_copy_failed', `cannot make the private copy of ${path} that the run checks and pays from, in ${where} (${code}): ${fix}. Nothing was sent`, { path });
}

/** The run's closing word when the file changed during it (a summary field and a line of the report). */
export function inputChangedMessage(snapshot: InputSnapshot, dryRun: boolean): string {
  const copy = `the copy taken at the start (SHA-256 ${snapshot.sha256.slice(0, 12)}…)`;
  return dryRun
    ? `${snapshot.path} changed during this run: this dry run describes ${copy}, and any plan it wrote describes that copy, so it will refuse the file as it is now; the changes were not checked. Run it again on the file as it is now`
    : `${snapshot.path} changed during this run: the rows checked and paid are those of ${copy}; the changes were not paid. ` +
        'Compare the file with the results CSV before anything else: a rerun checks the file as it is then, and a changed row under a reference already paid is a conflict, never paid again';
}

/** Before the first row is sent (after the live confirmation, which may wait for minutes): a changed file stops the run, nothing sent. */
export async function assertUnchangedBeforeSending(snapshot: InputSnapshot): Promise<void> {
  if (!(await snapshot.changed())) return;
  throw new UsageError(
    'input_changed',
    `${snapshot.path} changed after it was checked (while the confirmation waited, or just before paying): nothing was sent. ` +
      'Check the file, then run the same command again: it checks and pays the file as it is then (a plan of the old file no longer matches: make a new one)',
    { path: snapshot.path },
  );
}
