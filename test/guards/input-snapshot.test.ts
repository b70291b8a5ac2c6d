import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/csv/input-error.js';
import { takeSnapshot } from '../../src/guards/input-snapshot.js';
import { useTempDirs } from '../journal/helpers/temp-dir.js';

const TEXT = `reference_id,service,currency,amount\nr-1,test_usd,USD,1.00\n${'x'.repeat(3 << 20)}`; // past one copy buffer

describe('the private copy a run checks and pays from', () => {
  const tempDir = useTempDirs('snapshot-test-');

  it('holds the file\'s bytes, owner-only in a folder of its own, hashed as copied; remove() leaves nothing', async () => {
    const file = join(await tempDir(), 'a.csv');
    await writeFile(file, TEXT);
    const snapshot = await takeSnapshot(file);
    try {
      expect(snapshot.path).toBe(file);
      expect(await readFile(snapshot.copy, 'utf8')).toBe(TEXT);
      expect(snapshot.sha256).toBe(createHash('sha256').update(TEXT).digest('hex'));
      expect(snapshot.size).toBe(Buffer.byteLength(TEXT));
      expect((await stat(snapshot.copy)).mode & 0o777).toBe(0o600);
      expect((await stat(dirname(snapshot.copy))).mode & 0o777).toBe(0o700);
      expect(await snapshot.changed()).toBe(false);
    } finally {
      await snapshot.remove();
    }
    expect(existsSync(dirname(snapshot.copy))).toBe(false);
    await snapshot.remove(); // twice is fine
  });

  it('changed(): a touch or an identical replacement is no change; a same-length edit, a replacement or a removal is', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a.csv');
    await writeFile(file, TEXT);
    const snapshot = await takeSnapshot(file);
    try {
      await utimes(file, new Date(), new Date(Date.now() + 5000));
      expect(await snapshot.changed()).toBe(false);
      await writeFile(join(dir, 'b.csv'), TEXT);
      await rename(join(dir, 'b.csv'), file);
      expect(await snapshot.changed()).toBe(false);
      await writeFile(file, TEXT.replace('1.00', '9.00'));
      expect(await snapshot.changed()).toBe(true);
      await writeFile(file, TEXT);
      expect(await snapshot.changed()).toBe(false);
      await rm(file);
      expect(await snapshot.changed()).toBe(true);
      // The copy is what the run reads, whatever happened to the file.
      expect(await readFile(snapshot.copy, 'utf8')).toBe(TEXT);
    } finally {
      await snapshot.remove();
    }
  });

  it('a file that cannot be read is the input error naming it (exit 2)', async () => {
    const missing = join(await tempDir(), 'missing.csv');
    const error = await takeSnapshot(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`cannot read the input file ${missing}: it does not exist; check the path and its permissions`);
    const folder = await takeSnapshot(await tempDir()).catch((e: unknown) => e);
    expect((folder as InputError).message).toMatch(/it is a directory/);
  });
});
