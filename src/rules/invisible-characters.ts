/**
 * Characters a reader cannot see in a reference: whitespace at either end, and anywhere a
 * control, format or other invisible character (tab, no-break space, zero-width space, byte-order
 * mark, bidi override…). Two references differing only by one look the same on screen. Pure.
 */

/** Printable ASCII, inner spaces allowed: nearly every reference, checked without the Unicode regexp. */
const PLAIN_ASCII = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
/** Invisible wherever it stands: whitespace other than U+0020, controls, format characters, default-ignorables. */
const INVISIBLE = /[^\S ]|[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
/** Any whitespace (Unicode's, NBSP and BOM included), for the ends. */
const SPACE = /^\s$/u;

export interface InvisibleCharacter {
  /** UTF-16 index of the first one. */
  index: number;
  where: 'start' | 'end' | 'inside';
  /** `a tab (U+0009)`. */
  description: string;
}

const NAMES: Record<number, string> = {
  0x09: 'a tab',
  0x0a: 'a line feed',
  0x0b: 'a vertical tab',
  0x0c: 'a form feed',
  0x0d: 'a carriage return',
  0x20: 'a space',
  0x7f: 'a delete character',
  0xa0: 'a no-break space',
  0xad: 'a soft hyphen',
  0x200b: 'a zero-width space',
  0x200c: 'a zero-width non-joiner',
  0x200d: 'a zero-width joiner',
  0x200e: 'a left-to-right mark',
  0x200f: 'a right-to-left mark',
  0x2028: 'a line separator',
  0x2029: 'a paragraph separator',
  0x202e: 'a right-to-left override',
  0x202f: 'a narrow no-break space',
  0x2060: 'a word joiner',
  0x3000: 'an ideographic space',
  0xfeff: 'a byte-order mark (zero-width no-break space)',
};

/** The first invisible character of `s`, or undefined when every character can be seen. */
export function findInvisible(s: string): InvisibleCharacter | undefined {
  if (PLAIN_ASCII.test(s)) return undefined;
  const chars = [...s];
  const lastAt = chars.length - 1;
  if (lastAt < 0) return undefined;
  if (SPACE.test(chars[0]!)) return found(s, 0, 'start');
  let index = 0;
  for (let i = 0; i <= lastAt; i++) {
    const ch = chars[i]!;
    if (INVISIBLE.test(ch)) return found(s, index, i === 0 ? 'start' : i === lastAt ? 'end' : 'inside');
    index += ch.length;
  }
  const last = chars[lastAt]!;
  return SPACE.test(last) ? found(s, s.length - last.length, 'end') : undefined;
}

function found(s: string, index: number, where: InvisibleCharacter['where']): InvisibleCharacter {
  return { index, where, description: describe(s.codePointAt(index)!) };
}

/**
 * `s` with its invisible characters made visible: Unicode control pictures for ASCII controls
 * and for a space at either end (`ws-1␠`, `ws-1␉`), `<U+00A0>` for the others.
 */
export function showInvisible(s: string): string {
  const chars = [...s];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const code = ch.codePointAt(0)!;
    const atEnd = i === 0 || i === chars.length - 1;
    if (code === 0x20) out += atEnd ? '␠' : ' ';
    else if (code < 0x20) out += String.fromCharCode(0x2400 + code);
    else if (code === 0x7f) out += '␡';
    else if (INVISIBLE.test(ch) || (atEnd && SPACE.test(ch))) out += `<${codePoint(code)}>`;
    else out += ch;
  }
  return out;
}

/**
 * What the user most likely meant: no whitespace at either end, other whitespace inside as a plain
 * space (a no-break space was meant as one), and no other invisible character.
 */
export function withoutInvisible(s: string): string {
  let out = '';
  for (const ch of s.trim()) {
    if (SPACE.test(ch)) out += ' ';
    else if (!INVISIBLE.test(ch)) out += ch;
  }
  return out;
}

function describe(code: number): string {
  const name = NAMES[code] ?? (code < 0x20 || (code >= 0x7f && code < 0xa0) ? 'a control character' : 'an invisible character');
  return `${name} (${codePoint(code)})`;
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
