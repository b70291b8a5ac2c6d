import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/sandbox/decimal.js';

const SANDBOX = resolve(import.meta.dirname, '../../src/sandbox');

describe('the sandbox is an independent referee', () => {
  it('imports no code of the product (money.ts and the rest are what it checks)', async () => {
    const outside: string[] = [];
    for (const name of (await readdir(SANDBOX)).filter((n) => n.endsWith('.ts'))) {
      const text = await readFile(join(SANDBOX, name), 'utf8');
      for (const [, from] of text.matchAll(/from '(\.\.\/[^']*)'/g)) outside.push(`${name}: ${from}`);
    }
    expect(outside).toEqual([]);
  });

  it.each([
    ['10.55', 2, '10.55'],
    ['-0.005', 3, '-0.005'],
    ['1e2', 2, '100.00'],
    ['7', 0, '7'],
    ['0.5', 2, '0.50'],
  ])('writes %s at %i places as %s', (text, digits, expected) => {
    expect(Decimal.of(text).toFixed(digits)).toBe(expected);
  });
});
