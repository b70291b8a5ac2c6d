import { describe, expect, it } from 'vitest';
import { findInvisible, showInvisible, withoutInvisible } from '../../src/rules/invisible-characters.js';
import { validateRecord } from '../../src/rules/validate.js';
import { RULES, row } from './rules-fixtures.js';

describe('invisible characters in a reference', () => {
  it.each([
    // [reference, where, description, shown]
    ['ws-1 ', 'end', 'a space (U+0020)', 'ws-1␠'],
    [' ws-1', 'start', 'a space (U+0020)', '␠ws-1'],
    ['ws-1\t', 'end', 'a tab (U+0009)', 'ws-1␉'],
    ['\tws-1', 'start', 'a tab (U+0009)', '␉ws-1'],
    ['ws\r\n1', 'inside', 'a carriage return (U+000D)', 'ws␍␊1'],
    ['ws-1\u00a0', 'end', 'a no-break space (U+00A0)', 'ws-1<U+00A0>'],
    ['ws\u00a01', 'inside', 'a no-break space (U+00A0)', 'ws<U+00A0>1'],
    ['ws-\u200b1', 'inside', 'a zero-width space (U+200B)', 'ws-<U+200B>1'],
    ['\ufeffws-1', 'start', 'a byte-order mark (zero-width no-break space) (U+FEFF)', '<U+FEFF>ws-1'],
    ['ws-1\u202e', 'end', 'a right-to-left override (U+202E)', 'ws-1<U+202E>'],
    ['ws-1\u0000', 'end', 'a control character (U+0000)', 'ws-1␀'],
    ['ws-1\u0085', 'end', 'a control character (U+0085)', 'ws-1<U+0085>'],
    ['ws\u30001', 'inside', 'an ideographic space (U+3000)', 'ws<U+3000>1'],
    ['ws-1\u2028', 'end', 'a line separator (U+2028)', 'ws-1<U+2028>'],
    ['ws\u00ad1', 'inside', 'a soft hyphen (U+00AD)', 'ws<U+00AD>1'],
    ['ws\u31641', 'inside', 'an invisible character (U+3164)', 'ws<U+3164>1'],
  ])('%j: %s, %s', (ref, where, description, shown) => {
    expect(findInvisible(ref)).toMatchObject({ where, description });
    expect(showInvisible(ref)).toBe(shown);
    expect(findInvisible(withoutInvisible(ref))).toBeUndefined();
  });

  it.each([['ws-1'], ['ref 42 a'], ['Zoë-ünïcode'], ['払い戻し-7'], ['emoji-🙂'], ['x']])('accepts %j', (ref) => {
    expect(findInvisible(ref)).toBeUndefined();
    expect(showInvisible(ref)).toBe(ref);
  });

  it('points at the first one, by UTF-16 index', () => {
    expect(findInvisible('🙂ab\u200bc\t')).toEqual({ index: 4, where: 'inside', description: 'a zero-width space (U+200B)' });
  });
});

describe('validateRecord refuses a reference that is not exact', () => {
  it.each([
    ['ws-1 ', 'ws-1'],
    [' ws-1', 'ws-1'],
    ['ws-1\t', 'ws-1'],
    ['ws\u00a01', 'ws 1'],
    ['ws-\u200b1', 'ws-1'],
    ['\ufeffws-1', 'ws-1'],
  ])('%j', (ref, meant) => {
    const result = validateRecord(row({ reference_id: ref }, 4), RULES['USD']);
    expect(result).toMatchObject({ ok: false, errorCode: 'invisible_character_in_reference_id', column: 'reference_id', line: 4, referenceId: ref });
    if (result.ok) return;
    expect(result.message).toContain(`"${showInvisible(ref)}"`);
    expect(result.message).toContain(`write "${meant}"`);
    expect(result.message).not.toMatch(/[\t\u00a0\u200b\ufeff]/);
  });

  it('keeps an inner space, which anyone can see', () => {
    expect(validateRecord(row({ reference_id: 'ws 1' }), RULES['USD'])).toMatchObject({ ok: true });
  });
});
