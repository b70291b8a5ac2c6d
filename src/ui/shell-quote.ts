/**
 * A word of a command the tool proposes, as a POSIX shell reads it back: plain paths as they are,
 * anything else in single quotes (an inner `'` written `'\''`), so the command pastes as shown.
 */
export function shellQuote(word: string): string {
  return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
