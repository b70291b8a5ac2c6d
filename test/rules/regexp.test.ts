import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileField, normalizeRegexp } from '../../src/rules/regexp.js';

/** The doc's field regexps, copied verbatim into the repository so this test runs everywhere. */
const FIXTURE = fileURLToPath(new URL('../fixtures/seed-field-regexps.txt', import.meta.url));
/** The API document itself, where the project's shared folder sits beside (or above) the checkout. */
const SEED = ['../../../shared', '../../../../shared']
  .map((dir) => fileURLToPath(new URL(`${dir}/seed/000_3a61c6a52d096083.txt`, import.meta.url)))
  .find((path) => existsSync(path));

/** Every `"regexp":"…"` of a text, decoded as JSON like the client decodes it. */
function regexpsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/"regexp":("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]!) as string);
}

describe('normalizeRegexp on the API document', () => {
  it('turns the doc’s doubled backslashes into working regexps', () => {
    const sources = regexpsOf(FIXTURE);
    expect(sources).toHaveLength(4);
    expect(sources).toContain('^\\\\d{1,15}$'); // the JS text ^\\d{1,15}$
    const normalised = new Set(sources.map(normalizeRegexp));
    expect(normalised).toEqual(new Set(['^\\d{1,15}$', '^[A-Z\\-\\sa-z]{2,64}$']));
  });

  it.skipIf(SEED === undefined)('the fixture holds exactly the regexps of the document', () => {
    expect(regexpsOf(FIXTURE)).toEqual(regexpsOf(SEED!));
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
