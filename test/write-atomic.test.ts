import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAtomic, writeAtomic } from '../src/write-atomic.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'write-atomic-'));
  dirs.push(dir);
  return dir;
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('writeAtomic, the one way a file is replaced', () => {
  it.each([true, false])('writes the owner-only file whole over an old 0644 one, leaving no temp (durable %s)', async (durable) => {
    const dir = await folder();
    const path = join(dir, 'out.json');
    await writeFile(path, 'old', { mode: 0o644 });
    await writeAtomic(path, 'new\n', { durable });
    expect(await readFile(path, 'utf8')).toBe('new\n');
    expect(await modeOf(path)).toBe(0o600);
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('keeps the old file and removes its temp when the rename fails', async () => {
    const dir = await folder();
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    await expect(writeAtomic(path, 'new', { durable: true })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('an aborted file leaves the old one and nothing beside it', async () => {
    const dir = await folder();
    const path = join(dir, 'results.csv');
    await writeFile(path, 'old');
    const file = await openAtomic(path, { durable: true });
    await file.handle.writeFile('half');
    expect(await modeOf(file.tempPath)).toBe(0o600);
    await file.abort();
    await file.abort();
    expect(await readdir(dir)).toEqual(['results.csv']);
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('is the only temp-file-and-rename in src/ (the others move a whole file or folder: a sandbox journal aside, an old ledger)', async () => {
    const src = resolve(import.meta.dirname, '../src');
    const files = (await readdir(src, { recursive: true })).filter((name) => name.endsWith('.ts'));
    const renaming: string[] = [];
    for (const name of files) {
      if (/\brename\(/.test(await readFile(join(src, name), 'utf8'))) renaming.push(name);
    }
    expect(renaming.sort()).toEqual(['ledger/ledger-migrate.ts', 'run/sandbox-journal.ts', 'write-atomic.ts']);
  });
});
