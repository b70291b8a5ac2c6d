import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { LockHolder } from './journal-errors.js';

/** What was found at the lock path: its bytes, who they name, and the file's identity. */
export interface LockSnapshot {
  content: string;
  holder: LockHolder | undefined;
  ino: number;
  mtimeMs: number;
}

/** Lock contents this process holds (counted): a lock naming our own pid and not in here is a previous life's. */
export const heldHere = {
  counts: new Map<string, number>(),
  add(content: string): void {
    this.counts.set(content, (this.counts.get(content) ?? 0) + 1);
  },
  delete(content: string): void {
    const n = (this.counts.get(content) ?? 0) - 1;
    if (n > 0) this.counts.set(content, n);
    else this.counts.delete(content);
  },
  has(content: string): boolean {
    return this.counts.has(content);
  },
};

/**
 * Creates the lock file only if none exists, whole or not at all: the content is written and
 * flushed under a temporary name, then hard-linked to the lock path (fails if it exists). So a
 * lock file that is empty or garbled was never being written by a live run: a crash tore it.
 * False when a lock exists.
 */
export async function createExclusive(lockPath: string, content: string): Promise<boolean> {
  const temp = `${lockPath}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    // A write error names no file: name the lock, so a full disk reads as a set-up mistake (exit 2) with its fix.
    throw Object.assign(error as Error, { path: (error as NodeJS.ErrnoException).path ?? lockPath });
  }
  await handle.close();
  try {
    await link(temp, lockPath);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** This machine's boot (Linux): a lock taken before the machine restarted has no live holder. */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** When process `pid` started, in clock ticks since boot (Linux): tells a reused pid from its first owner. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
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
    const { pid, hostname: host, startedAt, command, bootId: boot, processStart: start } = value;
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof host !== 'string' || typeof startedAt !== 'string') {
      return undefined;
    }
    return {
      pid: pid as number,
      hostname: host,
      startedAt,
      ...(typeof command === 'string' ? { command } : {}),
      ...(typeof boot === 'string' ? { bootId: boot } : {}),
      ...(typeof start === 'string' ? { processStart: start } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Why the lock is stale (its holder is surely gone), or undefined when it must be respected.
 * In a container the tool is often pid 1 on every start, so a pid alone proves nothing: the boot
 * and the process's start time recorded with it tell a live holder from an earlier one.
 */
export function whyStale(snapshot: LockSnapshot): string | undefined {
  const { holder } = snapshot;
  if (!holder) return 'it is empty or garbled: a crash tore it (a live run writes its lock whole)';
  if (holder.hostname !== hostname()) return undefined; // cannot see the other machine's processes
  const boot = bootId();
  if (holder.bootId && boot && holder.bootId !== boot) return `it was taken before this machine last started (boot id ${holder.bootId})`;
  if (holder.pid === process.pid) {
    return heldHere.has(snapshot.content) ? undefined : `it names this very process (pid ${holder.pid}), which never took it: a run that crashed before this one started with the same pid`;
  }
  if (!isAlive(holder.pid)) return `process ${holder.pid} that held it is gone`;
  const start = holder.processStart && processStart(holder.pid);
  if (start && start !== holder.processStart) return `pid ${holder.pid} now belongs to another process (it started after the lock was taken)`;
  return undefined;
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
  try {
    await unlink(lockPath);
  } catch (error) {
    await unlink(claimPath).catch(() => undefined);
    if (errnoOf(error) === 'ENOENT') return { kind: 'changed' }; // its holder released it meanwhile
    throw error;
  }
  return { kind: 'claimed', claimPath };
}

export async function releaseClaim(claimPath: string): Promise<void> {
  await unlink(claimPath).catch(() => undefined);
}

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
