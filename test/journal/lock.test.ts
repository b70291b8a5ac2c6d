import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockError } from '../../src/journal/lock.js';
import { inspectLock, takeOverStale } from '../../src/journal/lock-file.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  if (result.pid === undefined) throw new Error('could not spawn node');
  return result.pid;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function journalPath(): Promise<string> {
  return join(await tempDir(), 'x.jsonl');
}

describe('the journal lock', () => {
  it('creates <journal>.lock naming this process, and release removes it', async () => {
    const journal = await journalPath();
    const lock = await acquireLock(journal, { command: 'run payouts.csv' });
    expect(lock.path).toBe(`${journal}.lock`);
    const content = JSON.parse(await readFile(lock.path, 'utf8'));
    expect(content).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'run payouts.csv' });
    expect(Date.parse(content.startedAt)).not.toBeNaN();
    await lock.release();
    expect(await exists(lock.path)).toBe(false);
    await lock.release(); // twice is fine
  });

  it('refuses a second holder with a LockError naming the first', async () => {
    const journal = await journalPath();
    const first = await acquireLock(journal, { command: 'run a.csv' });
    const error = await acquireLock(journal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    expect(error).toMatchObject({ code: 'journal_locked', exitCode: 2, holder: { pid: process.pid, hostname: hostname() } });
    const message = (error as Error).message;
    expect(message).toContain(`journal ${journal} is in use by pid ${process.pid} (run a.csv) on host ${hostname()} since `);
    expect(message).toContain(`if that process is gone, delete ${journal}.lock`);
    await first.release();
    const again = await acquireLock(journal);
    await again.release();
  });

  it('takes over a lock left by a dead process on this host, and says so', async () => {
    const journal = await journalPath();
    const pid = deadPid();
    await writeFile(`${journal}.lock`, JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
    const warnings: string[] = [];
    const lock = await acquireLock(journal, { onWarning: (m) => warnings.push(m) });
    expect(JSON.parse(await readFile(lock.path, 'utf8')).pid).toBe(process.pid);
    expect(warnings).toEqual([`took over the stale lock ${journal}.lock (process ${pid} that held it is gone)`]);
    await lock.release();
    expect(await readdir(join(journal, '..'))).toEqual([]); // no claim or stale files left behind
  });

  it('respects a lock from another host even if that pid is not running here', async () => {
    const journal = await journalPath();
    await writeFile(`${journal}.lock`, JSON.stringify({ pid: deadPid(), hostname: 'some-other-host', startedAt: '2026-01-01T00:00:00.000Z' }));
    await expect(acquireLock(journal)).rejects.toThrow(/on host some-other-host since 2026-01-01T00:00:00.000Z/);
  });

  it('respects a garbage lock file younger than a minute (its writer may be mid-write)', async () => {
    const journal = await journalPath();
    await writeFile(`${journal}.lock`, '');
    const error = await acquireLock(journal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    expect((error as LockError).holder).toBeUndefined();
    expect((error as Error).message).toContain(`delete ${journal}.lock`);
  });

  it('takes over a garbage lock file older than a minute', async () => {
    const journal = await journalPath();
    await writeFile(`${journal}.lock`, '{"pi');
    const old = new Date(Date.now() - 5 * 60_000);
    await utimes(`${journal}.lock`, old, old);
    const warnings: string[] = [];
    const lock = await acquireLock(journal, { onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/unreadable and 30\d s old/);
    await lock.release();
  });

  it('release leaves alone a lock file that is no longer ours', async () => {
    const journal = await journalPath();
    const lock = await acquireLock(journal);
    const someoneElse = JSON.stringify({ pid: 1, hostname: 'h', startedAt: 'now' });
    await writeFile(lock.path, someoneElse);
    await lock.release();
    expect(await readFile(lock.path, 'utf8')).toBe(someoneElse);
  });

  it('a slow taker-over never removes the fresh lock of a faster one', async () => {
    const journal = await journalPath();
    const lockPath = `${journal}.lock`;
    await writeFile(lockPath, JSON.stringify({ pid: deadPid(), hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
    const seenBySlow = await inspectLock(lockPath); // the slow process judged this file stale...
    if (!seenBySlow) throw new Error('lock file missing');
    const fast = await acquireLock(journal); // ...but the fast one took it over first
    const fastContent = await readFile(lockPath, 'utf8');

    expect(await takeOverStale(lockPath, seenBySlow)).toEqual({ kind: 'changed' });
    expect(await readFile(lockPath, 'utf8')).toBe(fastContent);
    await expect(acquireLock(journal)).rejects.toBeInstanceOf(LockError);
    await fast.release();
  });
});
