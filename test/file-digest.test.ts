import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestFile } from '../src/file-digest.js';
import { useTempDirs } from './journal/helpers/temp-dir.js';

describe('the one file digest', () => {
  const tempDir = useTempDirs('file-digest-test-');

  it('is the SHA-256 and size of every byte, across reads of its buffer, and of an empty file', async () => {
    const dir = await tempDir();
    for (const size of [0, 1, (1 << 20) - 1, 1 << 20, (3 << 20) + 7]) {
      const bytes = randomBytes(size);
      const path = join(dir, `f-${size}`);
      await writeFile(path, bytes);
      expect(await digestFile(path)).toEqual({ size, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
  });

  it('rejects for a file that is not there', async () => {
    await expect(digestFile(join(await tempDir(), 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
