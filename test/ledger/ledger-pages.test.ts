import { describe, expect, it } from 'vitest';
import { LedgerPages } from '../../src/ledger/ledger-pages.js';

/** A file of `size` bytes where byte i is i % 251, read through a counter. */
function file(size: number) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  const reads: number[] = [];
  const readAt = (into: Uint8Array, position: number): number => {
    reads.push(position);
    return bytes.copy(into, 0, position, Math.min(size, position + into.length));
  };
  return { bytes, reads, readAt };
}

describe('the pages of a compacted ledger file', () => {
  it('serves reads within a page, across pages and up to the last byte, as the file holds them', () => {
    const f = file(200_000);
    const pages = new LedgerPages(f.readAt, 200_000);
    for (const [at, length] of [[0, 10], [65_530, 20], [131_000, 70_000 - 1000], [199_990, 10]] as const) {
      const into = new Uint8Array(length);
      expect(pages.read(into, at)).toBe(true);
      expect(Buffer.from(into).equals(f.bytes.subarray(at, at + length))).toBe(true);
    }
  });

  it('reads each page from the file once while it is kept, and again after it was let go', () => {
    const f = file(65_536 * 4);
    const pages = new LedgerPages(f.readAt, 65_536 * 4, 2);
    const one = new Uint8Array(8);
    pages.read(one, 10);
    pages.read(one, 20);
    expect(f.reads).toEqual([0]);
    pages.read(one, 65_536 * 1 + 5);
    pages.read(one, 65_536 * 2 + 5); // a third page: the least recently used one (page 0) goes
    pages.read(one, 10);
    expect(f.reads).toEqual([0, 65_536, 65_536 * 2, 0]);
  });

  it('reads a uint32 in place, within a page or across two, in the machine\'s byte order; none past the end', () => {
    const words = new Uint32Array(40_000);
    for (let i = 0; i < words.length; i++) words[i] = (i * 2654435761) >>> 0;
    const bytes = Buffer.from(words.buffer);
    const readAt = (into: Uint8Array, position: number): number => bytes.copy(into, 0, position, Math.min(bytes.length, position + into.length));
    const pages = new LedgerPages(readAt, bytes.length);
    for (const i of [0, 1, 16_383, 16_384, 39_999]) expect(pages.u32(i * 4)).toBe(words[i]);
    const across = 65_536 - 2; // two bytes in each page
    expect(pages.u32(across)).toBe(new Uint32Array(Uint8Array.from(bytes.subarray(across, across + 4)).buffer)[0]);
    expect(pages.u32(bytes.length - 2)).toBeUndefined();
  });

  it('says false for a read past the end, or of a file shorter than it was said to be', () => {
    const f = file(1000);
    expect(new LedgerPages(f.readAt, 1000).read(new Uint8Array(10), 995)).toBe(false);
    expect(new LedgerPages(f.readAt, 2000).read(new Uint8Array(10), 1500)).toBe(false);
  });
});
