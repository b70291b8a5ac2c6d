import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
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

  it('takes over at once a lock file torn by a crash (empty or garbled): a live run writes its lock whole', async () => {
    for (const torn of ['', '{"pi']) {
      const journal = await journalPath();
      await writeFile(`${journal}.lock`, torn);
      const warnings: string[] = [];
      const lock = await acquireLock(journal, { onWarning: (m) => warnings.push(m) });
      expect(warnings[0]).toMatch(/took over the stale lock .* \(it is empty or garbled: a crash tore it/);
      await lock.release();
      expect(await readdir(join(journal, '..'))).toEqual([]);
    }
  });

  it('records the boot and the process start time with the pid', async () => {
    const journal = await journalPath();
    const lock = await acquireLock(journal);
    const content = JSON.parse(await readFile(lock.path, 'utf8'));
    expect(content.bootId).toBe((await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim());
    expect(content.processStart).toMatch(/^\d+$/);
    await lock.release();
  });

  it('a lock naming our own pid that this process never took is stale (a container restarted as pid 1 again)', async () => {
    const journal = await journalPath();
    const before = { pid: process.pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', bootId: 'x', processStart: '1' };
    for (const holder of [before, { ...before, bootId: undefined, processStart: undefined }]) {
      await writeFile(`${journal}.lock`, JSON.stringify(holder));
      const warnings: string[] = [];
      const lock = await acquireLock(journal, { onWarning: (m) => warnings.push(m) });
      expect(warnings[0]).toMatch(holder.bootId ? /taken before this machine last started|names this very process/ : /names this very process \(pid \d+\), which never took it/);
      await lock.release();
    }
    const held = await acquireLock(journal); // ours, in this process: respected
    await expect(acquireLock(journal)).rejects.toBeInstanceOf(LockError);
    await held.release();
  });

  it('a lock whose pid is alive but started at another time is stale (the pid was reused)', async () => {
    const journal = await journalPath();
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await writeFile(`${journal}.lock`, JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', bootId: boot, processStart: '1' }));
    const warnings: string[] = [];
    const lock = await acquireLock(journal, { onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toContain(`pid ${process.ppid} now belongs to another process`);
    await lock.release();
  });

  it('a lock from before the machine last started is stale', async () => {
    const journal = await journalPath();
    await writeFile(`${journal}.lock`, JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', bootId: 'an-earlier-boot' }));
    const warnings: string[] = [];
    const lock = await acquireLock(journal, { onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toContain('taken before this machine last started (boot id an-earlier-boot)');
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
