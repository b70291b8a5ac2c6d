import { readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LockError } from './journal-errors.js';
import type { LockHolder } from './journal-errors.js';
import { bootId, createExclusive, errnoOf, heldHere, inspectLock, processStart, releaseClaim, takeOverStale, whyStale } from './lock-file.js';
import type { LockSnapshot } from './lock-file.js';

export { LockError } from './journal-errors.js';
export type { LockHolder } from './journal-errors.js';

export interface LockOptions {
  /** Written into the lock file so a blocked operator sees what holds it. */
  command?: string;
  /** Told when a stale lock (dead holder) is taken over. */
  onWarning?: (message: string) => void;
}

export interface JournalLock {
  /** The lock file: `<journalPath>.lock`. */
  readonly path: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** The lock file of a journal: `<journalPath>.lock`. */
export const lockPathOf = (journalPath: string): string => `${journalPath}.lock`;

const ATTEMPTS = 20;
const CONTENDED_RETRY_MS = 25;

/**
 * One run at a time per journal: creates `<journalPath>.lock` with O_EXCL. A lock whose holder is
 * surely gone (same host, dead pid; or unreadable and over a minute old) is taken over;
 * any other existing lock is a `LockError` naming its holder.
 */
export async function acquireLock(journalPath: string, options: LockOptions = {}): Promise<JournalLock> {
  const lockPath = lockPathOf(journalPath);
  const mine: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    ...(options.command === undefined ? {} : { command: options.command }),
    ...optional('bootId', bootId()),
    ...optional('processStart', processStart(process.pid)),
  };
  const content = JSON.stringify(mine) + '\n';
  let last: LockSnapshot | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(lockPath, content)) return new HeldLock(lockPath, content);
    last = await inspectLock(lockPath);
    if (!last) continue; // released in the meantime
    const staleBecause = whyStale(last);
    if (staleBecause === undefined) throw lockedError(journalPath, lockPath, last);
    const takeOver = await takeOverStale(lockPath, last);
    if (takeOver.kind === 'changed') continue;
    if (takeOver.kind === 'contended') {
      await sleep(CONTENDED_RETRY_MS);
      continue;
    }
    try {
      if (await createExclusive(lockPath, content)) {
        options.onWarning?.(`took over the stale lock ${lockPath} (${staleBecause})`);
        return new HeldLock(lockPath, content);
      }
    } finally {
      await releaseClaim(takeOver.claimPath);
    }
    // Someone created a lock between our takeover and our create: they hold it now.
    const winner = await inspectLock(lockPath);
    throw lockedError(journalPath, lockPath, winner ?? last);
  }
  throw stuckError(journalPath, lockPath, last);
}

class HeldLock implements JournalLock {
  readonly path: string;
  readonly #content: string;
  #released = false;

  constructor(path: string, content: string) {
    this.path = path;
    this.#content = content;
    heldHere.add(content);
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    try {
      const current = await readFile(this.path, 'utf8').catch(() => undefined);
      if (current === this.#content) await unlink(this.path).catch(ignoreMissing);
    } finally {
      heldHere.delete(this.#content); // only once the file is gone: until then it is ours, not stale
    }
  }
}

function lockedError(journalPath: string, lockPath: string, found: LockSnapshot): LockError {
  const { holder } = found;
  const what = holder
    ? `is in use by pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''} on host ${holder.hostname} since ${holder.startedAt}`
    : `is locked by ${lockPath}, which another process is still writing or which is damaged`;
  return new LockError(
    `journal ${journalPath} ${what}; wait for it to finish, or if that process is gone, delete ${lockPath}`,
    lockPath,
    holder,
  );
}

function stuckError(journalPath: string, lockPath: string, found: LockSnapshot | undefined): LockError {
  return new LockError(
    `journal ${journalPath} has a stale lock ${lockPath} that another process started taking over and did not finish; ` +
      `if no other run is active, delete ${lockPath} and the ${lockPath}.stale-* files next to it`,
    lockPath,
    found?.holder,
  );
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function ignoreMissing(error: unknown): void {
  if (errnoOf(error) !== 'ENOENT') throw error;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
