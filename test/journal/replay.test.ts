import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHeader } from '../../src/journal/entry.js';
import { JournalError, openJournal } from '../../src/journal/journal.js';
import { TEST_BINDING } from './helpers/binding.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

/** The first line of every journal: its binding and fingerprint secret. */
const HEAD = formatHeader({ ...TEST_BINDING, secret: 'S'.repeat(43), created: '2026-01-01T00:00:00.000Z' });

function line(ref: string, state: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 2, ref, state, fp: `fp-${ref}`, line: 2, at: '2026-01-01T00:00:00.000Z', ...extra }) + '\n';
}

async function journalWith(text: string, head = HEAD): Promise<string> {
  const path = join(await tempDir(), 'run.journal.jsonl');
  await writeFile(path, head + text);
  return path;
}

async function openCollecting(path: string) {
  const warnings: string[] = [];
  const journal = await openJournal(path, { binding: TEST_BINDING, durable: false, onWarning: (m) => warnings.push(m) });
  return { journal, warnings };
}

describe('replaying a journal', () => {
  it('keeps the last entry per reference, without the format version', async () => {
    const path = await journalWith(
      line('a', 'creating') + line('b', 'creating') + line('a', 'created', { invoice_id: 'inv_1' }) + line('a', 'submitted', { invoice_id: 'inv_1' }),
    );
    const { journal, warnings } = await openCollecting(path);
    expect(warnings).toEqual([]);
    expect(journal.entries.size).toBe(2);
    expect(journal.entries.get('a')).toEqual({
      ref: 'a', state: 'submitted', fp: 'fp-a', line: 2, at: '2026-01-01T00:00:00.000Z', invoice_id: 'inv_1',
    });
    expect(journal.entries.get('b')?.state).toBe('creating');
    await journal.close();
  });

  it('starts empty and creates the file, holding only its header, when it does not exist', async () => {
    const path = join(await tempDir(), 'new.jsonl');
    const { journal } = await openCollecting(path);
    expect(journal.entries.size).toBe(0);
    await journal.close();
    expect(await readFile(path, 'utf8')).toBe(formatHeader(journal.header));
    expect(journal.header).toMatchObject(TEST_BINDING);
  });

  it('skips blank lines and accepts CRLF line ends', async () => {
    const path = await journalWith(line('a', 'creating') + '\n' + line('b', 'created').replace('\n', '\r\n'));
    const { journal } = await openCollecting(path);
    expect([...journal.entries.keys()]).toEqual(['a', 'b']);
    await journal.close();
  });

  it('reads lines that span read chunks and multi-byte characters', async () => {
    const long = 'é'.repeat(700_000); // 1.4 MB of two-byte characters: lines cross the 1 MiB chunks
    const path = await journalWith(line('a', 'creating', { note: long }) + line('b', 'created', { note: long }));
    const { journal } = await openCollecting(path);
    expect((journal.entries.get('a') as { note?: string } | undefined)?.note).toBe(long);
    expect((journal.entries.get('b') as { note?: string } | undefined)?.note).toBe(long);
    await journal.close();
  });
});

describe('a torn last line', () => {
  it('ignores half a JSON object, warns with its line number and cuts it off before appending', async () => {
    const good = line('a', 'creating') + line('b', 'creating');
    const path = await journalWith(good + line('a', 'created').slice(0, 25));
    const { journal, warnings } = await openCollecting(path);
    expect(warnings).toEqual(['journal line 4 is incomplete (the previous run was interrupted mid-write); ignored']);
    expect(journal.entries.get('a')?.state).toBe('creating');
    await journal.append({ ref: 'c', state: 'creating', fp: 'x', line: 4 });
    await journal.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(5); // the header, three lines and the final newline
    expect(lines.slice(0, 3).join('\n') + '\n').toBe(HEAD + good);
    expect(JSON.parse(lines[3] ?? '')).toMatchObject({ v: 2, ref: 'c', state: 'creating' });
    expect(lines[4]).toBe('');
  });

  it('keeps a complete entry that lacks only its newline, and writes the newline before the next line', async () => {
    const path = await journalWith(line('a', 'creating') + line('a', 'created').trimEnd());
    const { journal, warnings } = await openCollecting(path);
    expect(warnings).toEqual([]);
    expect(journal.entries.get('a')?.state).toBe('created');
    await journal.append({ ref: 'a', state: 'submitted', fp: 'fp-a', line: 2 });
    await journal.close();
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').slice(1).map((l) => JSON.parse(l).state)).toEqual(['creating', 'created', 'submitted']);
  });

  it('cuts a torn line at its byte offset when earlier lines hold multi-byte characters', async () => {
    const good = line('café-1', 'creating') + line('b', 'creating', { note: '€ and 🙂' });
    const path = await journalWith(good + line('c', 'created').slice(0, 20));
    const { journal, warnings } = await openCollecting(path);
    expect(warnings).toEqual(['journal line 4 is incomplete (the previous run was interrupted mid-write); ignored']);
    expect((journal.entries.get('b') as { note?: string } | undefined)?.note).toBe('€ and 🙂');
    await journal.close();
    expect(await readFile(path, 'utf8')).toBe(HEAD + good);
  });

  it('treats an unparseable last line that has its newline as torn too (e.g. zero-filled after a power cut)', async () => {
    const path = await journalWith(line('a', 'creating') + '\0\0\0\0\0\0\n');
    const { journal, warnings } = await openCollecting(path);
    expect(warnings).toEqual(['journal line 3 is incomplete (the previous run was interrupted mid-write); ignored']);
    await journal.close();
    expect(await readFile(path, 'utf8')).toBe(HEAD + line('a', 'creating'));
  });

  it('treats a lone opening brace as torn', async () => {
    const path = await journalWith('{');
    const { journal, warnings } = await openCollecting(path);
    expect(warnings).toHaveLength(1);
    expect(journal.entries.size).toBe(0);
    await journal.close();
    expect(await readFile(path, 'utf8')).toBe(HEAD);
  });

  it('treats a torn header as a journal never started: a new header replaces it', async () => {
    const path = await journalWith('', HEAD.slice(0, 30));
    const { journal, warnings } = await openCollecting(path);
    expect(warnings).toEqual(['journal line 1 is incomplete (the previous run was interrupted mid-write); ignored']);
    await journal.close();
    expect(await readFile(path, 'utf8')).toBe(formatHeader(journal.header));
  });

  it('survives being reopened repeatedly: the repair is done once', async () => {
    const path = await journalWith(line('a', 'creating') + '{"v":2,"ref":"b"');
    const first = await openCollecting(path);
    await first.journal.close();
    const second = await openCollecting(path);
    expect(second.warnings).toEqual([]);
    expect([...second.journal.entries.keys()]).toEqual(['a']);
    await second.journal.close();
  });
});

describe('a damaged journal', () => {
  it('refuses an unparseable line in the middle, naming the file and its line number', async () => {
    const path = await journalWith(line('a', 'creating') + '{"v":1,"ref":"b",\n' + line('c', 'creating'));
    const error = await openJournal(path, { binding: TEST_BINDING, durable: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalError);
    expect(error).toMatchObject({ code: 'journal_corrupt', exitCode: 2, lineNumber: 3 });
    expect((error as Error).message).toContain(`journal ${path} line 3`);
    expect((error as Error).message).toMatch(/delete that line|move the journal aside/);
  });

  it('refuses an unparseable line followed by a torn tail: only the very last line may be torn', async () => {
    const path = await journalWith(line('a', 'creating') + 'garbage\n' + '{"v":2,');
    await expect(openJournal(path, { binding: TEST_BINDING, durable: false })).rejects.toMatchObject({ code: 'journal_corrupt', lineNumber: 3 });
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"hello"'],
    ['an object without ref', JSON.stringify({ v: 1, state: 'created', fp: 'f', line: 2, at: 'x' })],
    ['an object without state', JSON.stringify({ v: 1, ref: 'a', fp: 'f', line: 2, at: 'x' })],
    ['an object with an empty ref', JSON.stringify({ v: 1, ref: '', state: 's', fp: 'f', line: 2, at: 'x' })],
    ['an object with a non-integer line', JSON.stringify({ v: 1, ref: 'a', state: 's', fp: 'f', line: '2', at: 'x' })],
    ['a newer format version', JSON.stringify({ v: 3, ref: 'a', state: 's', fp: 'f', line: 2, at: 'x' })],
    ['an older format version (no binding)', JSON.stringify({ v: 1, ref: 'a', state: 's', fp: 'f', line: 2, at: 'x' })],
    ['a second header', HEAD.trimEnd()],
  ])('refuses a line that is valid JSON but %s, even as the last line', async (_what, bad) => {
    const path = await journalWith(line('a', 'creating') + bad + '\n');
    await expect(openJournal(path, { binding: TEST_BINDING, durable: false })).rejects.toMatchObject({ code: 'journal_corrupt', lineNumber: 3 });
  });

  it('does not modify a journal it refuses', async () => {
    const text = line('a', 'creating') + 'oops\n' + line('b', 'creating') + '{"torn';
    const path = await journalWith(text);
    await expect(openJournal(path, { binding: TEST_BINDING, durable: false })).rejects.toBeInstanceOf(JournalError);
    expect(await readFile(path, 'utf8')).toBe(HEAD + text);
  });
});
