import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileField, normalizeRegexp } from '../../src/rules/regexp.js';

const SEED = fileURLToPath(new URL('../../../shared/seed/000_3a61c6a52d096083.txt', import.meta.url));

/** Every `"regexp":"…"` of the API document, decoded as JSON like the client decodes it. */
function seedRegexps(): string[] {
  const text = readFileSync(SEED, 'utf8');
  return [...text.matchAll(/"regexp":("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]!) as string);
}

describe('normalizeRegexp on the API document', () => {
  it.skipIf(!existsSync(SEED))('turns the doc’s doubled backslashes into working regexps', () => {
    const sources = seedRegexps();
    expect(sources).toContain('^\\\\d{1,15}$'); // the JS text ^\\d{1,15}$
    const normalised = new Set(sources.map(normalizeRegexp));
    expect(normalised).toEqual(new Set(['^\\d{1,15}$', '^[A-Z\\-\\sa-z]{2,64}$']));
  });
});

describe('normalizeRegexp', () => {
  it.each([
    ['^\\\\d{1,15}$', '^\\d{1,15}$'],
    ['^[A-Z\\\\-\\\\sa-z]{2,64}$', '^[A-Z\\-\\sa-z]{2,64}$'],
    ['^a\\\\\\\\b$', '^a\\\\b$'], // a doubled escaped backslash stays an escaped backslash
    ['^\\d+$', '^\\d+$'], // already normal
    ['^\\d\\\\$', '^\\d\\\\$'], // an odd run anywhere: taken as a normal regexp
    ['^[A-Z0-9]{8,34}$', '^[A-Z0-9]{8,34}$'],
  ])('%s -> %s', (source, expected) => {
    expect(normalizeRegexp(source)).toBe(expected);
  });
});

describe('compileField', () => {
  it('compiles the account rule so it accepts digits only', () => {
    const f = compileField({ key: 'account', required: true, regexp: '^\\\\d{1,15}$' });
    expect(f.source).toBe('^\\d{1,15}$');
    expect(f.pattern?.test('123456789012345')).toBe(true);
    expect(f.pattern?.test('12a')).toBe(false);
    expect(f.pattern?.test('1234567890123456')).toBe(false);
    expect(f.error).toBeUndefined();
  });

  it('compiles the letters rule with its escaped dash and \\s', () => {
    const f = compileField({ key: 'test_details_payout_status', required: false, regexp: '^[A-Z\\\\-\\\\sa-z]{2,64}$' });
    expect(f.pattern?.test('process-failed')).toBe(true);
    expect(f.pattern?.test('Processed Now')).toBe(true);
    expect(f.pattern?.test('processed!')).toBe(false);
    expect(f.pattern?.test('x')).toBe(false);
  });

  it('falls back to the text as sent when halving breaks a regexp of escaped backslashes', () => {
    const f = compileField({ key: 'path', required: false, regexp: '^[^\\\\]+$' }); // no backslash allowed
    expect(f.source).toBe('^[^\\\\]+$');
    expect(f.pattern?.test('abc')).toBe(true);
    expect(f.pattern?.test('a\\b')).toBe(false);
  });

  it('reports a regexp that does not compile instead of throwing', () => {
    const f = compileField({ key: 'account', required: true, regexp: '^(\\\\d+$' });
    expect(f.pattern).toBeNull();
    expect(f.error).toMatch(/Invalid regular expression/);
  });

  it('takes a missing regexp as no rule', () => {
    expect(compileField({ key: 'note', required: false, regexp: null })).toEqual({ key: 'note', column: 'fields.note', required: false, pattern: null, source: '' });
  });
});
