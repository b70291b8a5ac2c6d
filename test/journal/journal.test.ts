import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalError, openJournal } from '../../src/journal/journal.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

describe('opening and closing a journal', () => {
  it('replays after close and reopen, then appends after the old lines', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const first = await openJournal(path);
    await first.append({ ref: 'a', state: 'creating', fp: 'f1', line: 2 });
    await first.append({ ref: 'a', state: 'created', fp: 'f1', line: 2, invoice_id: 'inv_9' });
    await first.close();

    const second = await openJournal(path);
    expect(second.entries.get('a')).toMatchObject({ state: 'created', invoice_id: 'inv_9', fp: 'f1', line: 2 });
    await second.append({ ref: 'b', state: 'creating', fp: 'f2', line: 3 });
    await second.close();
    const states = (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l).state);
    expect(states).toEqual(['creating', 'created', 'creating']);
  });

  it('close waits for pending appends', async () => {
    const path = join(await tempDir(), 'j.jsonl');
    const journal = await openJournal(path);
    const appends = Array.from({ length: 50 }, (_, i) => journal.append({ ref: `r${i}`, state: 's', fp: 'f', line: i }));
    await journal.close();
    await Promise.all(appends);
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(50);
  });

  it('refuses appends after close, and close twice is harmless', async () => {
    const journal = await openJournal(join(await tempDir(), 'j.jsonl'));
    await journal.close();
    await journal.close();
    await expect(journal.append({ ref: 'a', state: 's', fp: 'f', line: 1 })).rejects.toMatchObject({ code: 'journal_closed' });
  });

  it('says clearly when the directory does not exist', async () => {
    const path = join(await tempDir(), 'missing', 'j.jsonl');
    const error = await openJournal(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalError);
    expect(error).toMatchObject({ code: 'journal_unopenable', exitCode: 2 });
    expect((error as Error).message).toContain('does not exist');
    expect((error as Error).message).toContain(join(path, '..'));
  });

  it('says clearly when the journal path is a directory', async () => {
    const path = await tempDir();
    await expect(openJournal(path)).rejects.toMatchObject({ code: 'journal_unopenable', exitCode: 2 });
  });
});
