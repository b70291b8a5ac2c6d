import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
/** Read before config.ts may load (Node's compile cache), or the shell's own (how the tool was typed). */
const ELSEWHERE = new Set(['cli-compile-cache.ts: NODE_DISABLE_COMPILE_CACHE', 'cli-compile-cache.ts: NODE_COMPILE_CACHE', 'ui/command-name.ts: PATH']);

describe('environment variables are read in config.ts only', () => {
  it('no other file of src/ (the sandbox apart) reads one by name', async () => {
    const reads: string[] = [];
    for (const name of (await readdir(SRC, { recursive: true })).filter((n) => n.endsWith('.ts'))) {
      if (name.startsWith('sandbox/') || name === 'config.ts' || name === 'config-folders.ts') continue;
      const text = await readFile(join(SRC, name), 'utf8');
      for (const [, variable] of text.matchAll(/(?:\benv\.|\benv\['|\)\[')([A-Z][A-Z0-9_]*)/g)) reads.push(`${name}: ${variable}`);
    }
    expect(reads.filter((r) => !ELSEWHERE.has(r))).toEqual([]);
  });
});
