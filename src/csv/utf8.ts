/**
 * UTF-8 checking of the input bytes as they stream by, naming the line of the first bad byte.
 */

const NEWLINE = 0x0a;

export function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let n = 0;
  if (bytes instanceof Buffer) {
    for (let i = bytes.indexOf(NEWLINE); i !== -1 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) n++;
    return n;
  }
  for (let i = 0; i < end; i++) if (bytes[i] === NEWLINE) n++;
  return n;
}

/**
 * Offset of the first byte that cannot be UTF-8, or -1. Leading continuation bytes (the end of
 * a character begun in the previous chunk) are skipped; a character cut at the end is not an error.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < bytes.length && (bytes[i]! & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return -1;
      const c = bytes[i + k]!;
      if (k === 1 ? c < lo || c > hi : (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Passes `chunks` through unchanged after checking them: a NUL byte anywhere, or bytes that are
 * not UTF-8 (a streaming fatal TextDecoder), call `fail(line, problem)` with the 1-based line of
 * the first bad byte; `fail` must throw.
 */
export async function* checkedUtf8(
  chunks: AsyncIterable<Buffer>,
  fail: (line: number, problem: 'encoding' | 'nul') => never,
): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let newlines = 0;
  for await (const chunk of chunks) {
    const nul = chunk.indexOf(0);
    if (nul !== -1) fail(newlines + countNewlines(chunk, nul) + 1, 'nul');
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      const bad = firstInvalidUtf8(chunk);
      fail(newlines + countNewlines(chunk, bad === -1 ? 0 : bad) + 1, 'encoding');
    }
    newlines += countNewlines(chunk);
    yield chunk;
  }
  try {
    decoder.decode();
  } catch {
    fail(newlines + 1, 'encoding');
  }
}
