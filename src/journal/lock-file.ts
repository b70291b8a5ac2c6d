import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { LockHolder } from './errors.js';

/** What was found at the lock path: its bytes, who they name, and the file's identity. */
export interface LockSnapshot {
  content: string;
  holder: LockHolder | undefined;
  ino: number;
  mtimeMs: number;
}

/** A lock file still being written (empty, half-written) is only garbage once it is this old. */
export const GARBAGE_STALE_AFTER_MS = 60_000;

/** Creates the lock file only if none exists (O_EXCL). False when one exists. */
export async function createExclusive(lockPath: string, content: string): Promise<boolean> {
  try {
    await writeFile(lockPath, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  }
}

/** Reads the lock file; undefined when it vanished in the meantime. */
export async function inspectLock(lockPath: string): Promise<LockSnapshot | undefined> {
  try {
    const info = await stat(lockPath);
    const content = await readFile(lockPath, 'utf8');
    return { content, holder: parseHolder(content), ino: info.ino, mtimeMs: info.mtimeMs };
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

export function parseHolder(content: string): LockHolder | undefined {
  try {
    const value = JSON.parse(content) as Partial<LockHolder> | null;
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, hostname: host, startedAt, command } = value;
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof host !== 'string' || typeof startedAt !== 'string') {
      return undefined;
    }
    return { pid: pid as number, hostname: host, startedAt, ...(typeof command === 'string' ? { command } : {}) };
  } catch {
    return undefined;
  }
}

/** Why the lock is stale (its holder is surely gone), or undefined when it must be respected. */
export function whyStale(snapshot: LockSnapshot, now: number = Date.now()): string | undefined {
  const { holder } = snapshot;
  if (!holder) {
    const ageMs = now - snapshot.mtimeMs;
    return ageMs > GARBAGE_STALE_AFTER_MS ? `it is unreadable and ${Math.round(ageMs / 1000)} s old` : undefined;
  }
  if (holder.hostname !== hostname()) return undefined; // cannot see the other machine's processes
  return isAlive(holder.pid) ? undefined : `process ${holder.pid} that held it is gone`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) !== 'ESRCH'; // EPERM: alive, owned by someone else
  }
}

export type TakeOverResult =
  | { kind: 'claimed'; claimPath: string } // the stale file is gone from the lock path; create ours now
  | { kind: 'changed' } // the lock path no longer holds the stale file: look again
  | { kind: 'contended'; claimPath: string }; // another process is taking over the same stale file

/**
 * Moves a stale lock out of the way so that, among any number of processes that judged the same
 * file stale, exactly one proceeds, and a fresh lock created meanwhile is never removed.
 *
 * A plain rename-aside is not enough: a slow process could rename away the *new* lock of a faster
 * one. Instead each contender hard-links the lock path to a name derived from the stale file's
 * identity (`link` fails if the name exists, so one wins), then checks it linked the stale file
 * itself and not a newer lock. Only the winner unlinks the lock path, which nobody else can
 * replace meanwhile (O_EXCL creates fail while it exists). The claim name is removed by
 * `releaseClaim` after the winner's create, so the stale inode cannot be reused meanwhile.
 */
export async function takeOverStale(lockPath: string, stale: LockSnapshot): Promise<TakeOverResult> {
  const claimPath = `${lockPath}.stale-${stale.ino}-${Math.trunc(stale.mtimeMs)}`;
  try {
    await link(lockPath, claimPath);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') return { kind: 'contended', claimPath };
    if (code === 'ENOENT') return { kind: 'changed' };
    throw error;
  }
  const claimed = await inspectLock(claimPath);
  if (!claimed || claimed.ino !== stale.ino || claimed.content !== stale.content) {
    await unlink(claimPath).catch(() => undefined); // only our extra name: the lock itself stays
    return { kind: 'changed' };
  }
  await unlink(lockPath);
  return { kind: 'claimed', claimPath };
}

export async function releaseClaim(claimPath: string): Promise<void> {
  await unlink(claimPath).catch(() => undefined);
}

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
