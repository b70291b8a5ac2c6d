import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalError, openJournal } from '../../src/journal/journal.js';
import { TEST_BINDING } from './helpers/binding.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('opening and closing a journal', () => {
  it('replays after close and reopen, then appends after the old lines', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const first = await openJournal(path, { binding: TEST_BINDING });
    await first.append({ ref: 'a', state: 'creating', fp: 'f1', line: 2 });
    await first.append({ ref: 'a', state: 'created', fp: 'f1', line: 2, invoice_id: 'inv_9' });
    await first.close();

    const second = await openJournal(path, { binding: TEST_BINDING });
    expect(second.entries.get('a')).toMatchObject({ state: 'created', invoice_id: 'inv_9', fp: 'f1', line: 2 });
    await second.append({ ref: 'b', state: 'creating', fp: 'f2', line: 3 });
    await second.close();
    const states = (await readFile(path, 'utf8')).trimEnd().split('\n').slice(1).map((l) => JSON.parse(l).state);
    expect(states).toEqual(['creating', 'created', 'creating']);
  });

  it('close waits for pending appends', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const journal = await openJournal(path, { binding: TEST_BINDING });
    const appends = Array.from({ length: 50 }, (_, i) => journal.append({ ref: `r${i}`, state: 's', fp: 'f', line: i }));
    await journal.close();
    await Promise.all(appends);
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(51); // the header and 50 lines
  });

  it('refuses appends after close, and close twice is harmless', async () => {
    const journal = await openJournal(join(await tempDir(), 'j.jsonl'), { binding: TEST_BINDING });
    await journal.close();
    await journal.close();
    await expect(journal.append({ ref: 'a', state: 's', fp: 'f', line: 1 })).rejects.toMatchObject({ code: 'journal_closed' });
  });

  it('writes each entry as one line: the format version first, the time it was written last', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const journal = await openJournal(path, { binding: TEST_BINDING });
    const before = Date.now();
    await journal.append({ ref: 'a"\n', state: 'created', fp: 'f1', line: 2, invoice_id: 'inv_9', fee: null, amount: '0.10' });
    await journal.append({ ref: 'b', state: 'creating', fp: 'f2', line: 3, at: '2026-01-02T03:04:05.678Z' });
    await journal.close();
    const [, first, second] = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const at = JSON.parse(first!).at as string;
    expect(Date.parse(at)).toBeGreaterThanOrEqual(before - 1);
    expect(first).toBe(`{"v":2,"ref":"a\\"\\n","state":"created","fp":"f1","line":2,"invoice_id":"inv_9","fee":null,"amount":"0.10","at":"${at}"}`);
    expect(second).toBe('{"v":2,"ref":"b","state":"creating","fp":"f2","line":3,"at":"2026-01-02T03:04:05.678Z"}');
  });

  it('refuses to write an entry replay would reject, and writes nothing for it', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const journal = await openJournal(path, { binding: TEST_BINDING });
    await expect(journal.append({ ref: '', state: 'creating', fp: 'f', line: 1 })).rejects.toThrow(/"ref" or "state" is empty/);
    await expect(journal.append({ ref: 'a', state: 'creating', fp: 'f', line: 1.5 })).rejects.toThrow(/"line"/);
    await journal.close();
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(1);
  });

  it('says clearly when the directory does not exist', async () => {
    const path = join(await tempDir(), 'missing', 'j.jsonl');
    const error = await openJournal(path, { binding: TEST_BINDING }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalError);
    expect(error).toMatchObject({ code: 'journal_unopenable', exitCode: 2 });
    expect((error as Error).message).toContain('does not exist');
    expect((error as Error).message).toContain(join(path, '..'));
  });

  it('says clearly when the journal path is a directory', async () => {
    const path = await tempDir();
    await expect(openJournal(path, { binding: TEST_BINDING })).rejects.toMatchObject({ code: 'journal_unopenable', exitCode: 2 });
  });
});

describe('the binding in the first line', () => {
  it('refuses, without touching the file, a journal bound to another API, account or mode', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const first = await openJournal(path, { binding: TEST_BINDING });
    await first.append({ ref: 'a', state: 'processed', fp: 'f', line: 2, invoice_id: 'inv_1' });
    await first.close();
    const before = await readFile(path, 'utf8');
    for (const other of [{ origin: "https://api.example.com" }, { keyId: 'other' }, { mode: 'live' as const }]) {
      await expect(openJournal(path, { binding: { ...TEST_BINDING, ...other } })).rejects.toMatchObject({ code: 'journal_bound_elsewhere', exitCode: 2 });
    }
    expect(await readFile(path, 'utf8')).toBe(before);
    const again = await openJournal(path, { binding: { ...TEST_BINDING, origin: `${TEST_BINDING.origin}/` } });
    expect(again.header.secret).toBe(first.header.secret); // the same journal, the same secret
    await again.close();
  });

  it('adopts an unbound journal only when asked, keeping no claim of it but the reference and line', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const old = `${JSON.stringify({ v: 1, ref: 'a', state: 'processed', fp: 'f', line: 2, at: 'x', invoice_id: 'inv_sandbox' })}\n`;
    await writeFile(path, old);
    await expect(openJournal(path, { binding: TEST_BINDING })).rejects.toMatchObject({ code: 'journal_unbound', exitCode: 2 });
    expect(await readFile(path, 'utf8')).toBe(old);
    const warnings: string[] = [];
    const journal = await openJournal(path, { binding: TEST_BINDING, adopt: true, onWarning: (m) => warnings.push(m) });
    expect(journal.header).toMatchObject(TEST_BINDING);
    expect(journal.entries.get('a')).toMatchObject({ ref: 'a', state: 'unverified', line: 2 });
    expect(journal.entries.get('a')).not.toHaveProperty('invoice_id');
    expect(warnings.join()).toMatch(/looked up by reference/);
    await journal.close();
  });
});
