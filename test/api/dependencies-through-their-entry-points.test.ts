import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('dependencies are loaded through their entry points', () => {
  it('no source file names a file inside undici (its private files can change in any release)', () => {
    const offenders = sourceFiles(SRC).filter((file) => /['"]undici\/(?!package\.json)[^'"]*['"]/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
