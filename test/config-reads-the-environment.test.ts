import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import type { UsageError } from '../src/errors.js';

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

describe('readConfig: the four API variables, each flag over its variable', () => {
  const good = { MILKYPAY_API_URL: 'https://api.example.com/api//', MILKYPAY_PUBLIC_KEY: 'pk_test_abc', MILKYPAY_KEY_ID: 'kid', MILKYPAY_SECRET_KEY: 'sk', MILKYPAY_CACHE_DIR: 'cache' };

  it('reads them, the URL without trailing slashes, the cache folder resolved; a flag wins', () => {
    expect(readConfig(good, {}, '/work')).toEqual({ apiUrl: 'https://api.example.com/api', publicKey: 'pk_test_abc', keyId: 'kid', secretKey: 'sk', cacheDir: '/work/cache' });
    expect(readConfig(good, { apiUrl: 'http://localhost:8080/api' }, '/work').apiUrl).toBe('http://localhost:8080/api');
  });

  it('names every problem at once: the missing ones, then each malformed one', () => {
    const error = (() => {
      try {
        readConfig({ MILKYPAY_API_URL: 'ftp://x', MILKYPAY_PUBLIC_KEY: 'pk_prod_1', MILKYPAY_KEY_ID: '' }, {}, '/');
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(error?.code).toBe('bad_config');
    expect(error?.message).toMatch(/^MILKYPAY_KEY_ID, MILKYPAY_SECRET_KEY are not set; MILKYPAY_API_URL must start with http:\/\/ or https:\/\/; MILKYPAY_PUBLIC_KEY must look like pk_test_… or pk_live_…: set them/);
    expect(() => readConfig({ ...good, MILKYPAY_API_URL: 'not a url' }, {}, '/')).toThrow('MILKYPAY_API_URL must be a URL such as https://api.example.com/api: set it');
  });
});
