import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

async function sourcesBesideConfig(): Promise<[string, string][]> {
  const names = (await readdir(SRC, { recursive: true })).filter((n) => n.endsWith('.ts') && n !== 'config.ts');
  return Promise.all(names.map(async (name): Promise<[string, string]> => [name, await readFile(join(SRC, name), 'utf8')]));
}

describe('environment variables are read in config.ts only', () => {
  it('no other file of src/ (the sandbox and the compile cache included) names process.env', async () => {
    const naming = (await sourcesBesideConfig()).filter(([, text]) => /\bprocess\s*\.\s*env\b/.test(text)).map(([name]) => name);
    expect(naming).toEqual([]);
  });

  it('no other file of src/ reads a variable by name (MILKYPAY_…, PATH, npm_command…)', async () => {
    const reads: string[] = [];
    for (const [name, text] of await sourcesBesideConfig()) {
      for (const [, variable] of text.matchAll(/(?:\benv\.|\benv\['|\)\[')([A-Z][A-Z0-9_]*|npm_[a-z_]+)/g)) reads.push(`${name}: ${variable}`);
    }
    expect(reads).toEqual([]);
  });

  it('config.ts imports only Node and errors.ts: the executable loads it before the compile cache is on', async () => {
    const text = await readFile(join(SRC, 'config.ts'), 'utf8');
    const imported = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
    expect(imported.filter((m) => !m.startsWith('node:') && m !== './errors.js')).toEqual([]);
  });
});
