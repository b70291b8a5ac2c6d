import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
/** Read by the benchmark only: without fsync a crash can lose journal lines, so it is not offered. */
const NOT_OFFERED = new Set(['MILKYPAY_JOURNAL_FSYNC']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every MILKYPAY_ variable the tool's source names. */
function variablesRead(): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    for (const [name] of readFileSync(file, 'utf8').matchAll(/\bMILKYPAY_[A-Z][A-Z_]*[A-Z]\b/g)) names.add(name);
  }
  return [...names].filter((n) => !NOT_OFFERED.has(n)).sort();
}

describe('.env.example and the README list every variable the tool reads', () => {
  const example = readFileSync(join(root, '.env.example'), 'utf8');
  const listed = new Set([...example.matchAll(/^#? ?(MILKYPAY_[A-Z_]+)=/gm)].map((m) => m[1]!));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('each one in .env.example, set or commented out with its default', () => {
    expect(variablesRead().filter((n) => !listed.has(n))).toEqual([]);
    expect(variablesRead()).toEqual(expect.arrayContaining(['MILKYPAY_LEDGER_DIR', 'MILKYPAY_REPEAT_WINDOW']));
  });

  it('each one in the README', () => {
    expect(variablesRead().filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });
});
