import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openJournal } from '../../src/journal/journal.js';
import { TEST_BINDING } from './helpers/binding.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

/** The FileHandle prototype, to count (or fail) the real datasync calls. */
async function fileHandlePrototype(dir: string) {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as { datasync(): Promise<void>; write(...args: unknown[]): Promise<unknown> };
}

afterEach(() => {
  vi.restoreAllMocks();
});

function entry(i: number) {
  return { ref: `ref-${i}`, state: 'creating', fp: `fp-${i}`, line: i + 2 };
}

describe('group commit', () => {
  it('coalesces 1000 concurrent appends into far fewer fsync groups, and writes every line once', async () => {
    const dir = await tempDir();
    const datasync = vi.spyOn(await fileHandlePrototype(dir), 'datasync');
    const path = join(dir, 'j.jsonl');
    const journal = await openJournal(path, { binding: TEST_BINDING });
    const syncsAtOpen = datasync.mock.calls.length;
    await Promise.all(Array.from({ length: 1000 }, (_, i) => journal.append(entry(i))));
    expect(journal.stats.lines).toBe(1000);
    expect(journal.stats.groups).toBeLessThan(50);
    expect(datasync.mock.calls.length - syncsAtOpen).toBe(journal.stats.groups);
    await journal.close();
    const refs = (await readFile(path, 'utf8')).trimEnd().split('\n').slice(1).map((l) => JSON.parse(l).ref);
    expect(refs).toEqual(Array.from({ length: 1000 }, (_, i) => `ref-${i}`));
  });

  it('groups the appends that arrive while a write is in flight', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const journal = await openJournal(path, { binding: TEST_BINDING });
    const first = journal.append(entry(0));
    await Promise.resolve();
    await Promise.resolve(); // the first group has started
    const later = Array.from({ length: 20 }, (_, i) => journal.append(entry(i + 1)));
    await Promise.all([first, ...later]);
    expect(journal.stats).toEqual({ groups: 2, lines: 21 });
    await journal.close();
  });

  it('does not resolve an append before its fsync has completed', async () => {
    const dir = await tempDir();
    const proto = await fileHandlePrototype(dir);
    const journal = await openJournal(join(dir, 'j.jsonl'), { binding: TEST_BINDING });
    let releaseSync!: () => void;
    const original = proto.datasync;
    vi.spyOn(proto, 'datasync').mockImplementation(function (this: unknown) {
      return new Promise<void>((resolve) => (releaseSync = resolve)).then(() => original.call(this));
    });
    let resolved = false;
    const appended = journal.append(entry(1)).then(() => (resolved = true));
    await vi.waitFor(() => expect(releaseSync).toBeTypeOf('function'), { timeout: 30_000, interval: 5 });
    expect((await readFile(journal.path, 'utf8')).includes('"ref-1"')).toBe(true); // written, not yet synced
    await new Promise((r) => setImmediate(r)); // whatever the write's completion queued has run
    expect(resolved).toBe(false);
    releaseSync();
    await appended;
    expect(resolved).toBe(true);
    expect(journal.entries.has('ref-1')).toBe(false); // appends are not indexed: a run never reads them back
    await journal.close();
  });

  it('skips fsync when not durable', async () => {
    const dir = await tempDir();
    const datasync = vi.spyOn(await fileHandlePrototype(dir), 'datasync');
    const journal = await openJournal(join(dir, 'j.jsonl'), { binding: TEST_BINDING, durable: false });
    await Promise.all(Array.from({ length: 100 }, (_, i) => journal.append(entry(i))));
    await journal.append(entry(100));
    expect(journal.stats.groups).toBeGreaterThanOrEqual(2);
    expect(datasync).not.toHaveBeenCalled();
    await journal.close();
  });

  it('rejects every append of a failed group and every later append', async () => {
    const dir = await tempDir();
    const proto = await fileHandlePrototype(dir);
    const journal = await openJournal(join(dir, 'j.jsonl'), { binding: TEST_BINDING });
    vi.spyOn(proto, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => journal.append(entry(i))));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    const reason = (results[0] as PromiseRejectedResult).reason;
    expect(reason).toMatchObject({ code: 'journal_write_failed', exitCode: 3 });
    expect(reason.message).toContain('EIO');
    await expect(journal.append(entry(9))).rejects.toMatchObject({ code: 'journal_write_failed' });
    expect(journal.entries.size).toBe(0);
    await journal.close();
  });

  it('fills `at` when absent and keeps a given one', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const journal = await openJournal(path, { binding: TEST_BINDING, durable: false });
    await journal.append(entry(1));
    await journal.append({ ...entry(2), at: '2026-02-03T04:05:06.000Z' });
    await journal.close();
    const [, one, two] = (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { at: string });
    expect(one!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(two!.at).toBe('2026-02-03T04:05:06.000Z');
    const first = (await readFile(path, 'utf8')).split('\n')[1] ?? '';
    expect(first.startsWith('{"v":2,"ref":"ref-1"')).toBe(true);
  });

  it('refuses an entry that replay would reject, without writing it', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const journal = await openJournal(path, { binding: TEST_BINDING, durable: false });
    await expect(journal.append({ ref: '', state: 'creating', fp: 'f', line: 1 })).rejects.toThrow(/cannot be written/);
    await journal.close();
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(1); // the header only
  });
});
