import { describe, expect, it } from 'vitest';
import { checkedUtf8, countNewlines, firstInvalidUtf8 } from '../../src/csv/utf8.js';

async function* chunksOf(...parts: number[][]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

let problem: string | undefined;

async function badLine(...parts: number[][]): Promise<number | undefined> {
  let line: number | undefined;
  problem = undefined;
  const fail = (l: number, p: string): never => {
    line = l;
    problem = p;
    throw new Error('bad');
  };
  const passed: number[] = [];
  try {
    for await (const c of checkedUtf8(chunksOf(...parts), fail)) passed.push(...c);
  } catch {
    return line;
  }
  expect(passed).toEqual(parts.flat()); // bytes pass through unchanged
  return undefined;
}

const NL = 0x0a;
const A = 0x41;

describe('checkedUtf8', () => {
  it('passes good UTF-8 through, even a character cut between chunks', async () => {
    const euro = [...Buffer.from('€')]; // e2 82 ac
    expect(await badLine([A, NL, euro[0]!], [euro[1]!, euro[2]!, NL, A])).toBeUndefined();
  });

  it('names the line of a NUL byte in any chunk, however far into the file', async () => {
    expect(await badLine([A, NL, A, NL], [A, NL, A, 0x00, NL])).toBe(4);
    expect(problem).toBe('nul');
    expect(await badLine([A, NL], [A], [NL, NL, 0x00])).toBe(4);
  });

  it('names the line of a bad byte in a later chunk', async () => {
    expect(await badLine([A, NL, A, NL], [A, NL, 0xff, NL])).toBe(4);
  });

  it('names the line when a character cut by the chunk boundary goes bad', async () => {
    expect(await badLine([A, NL, NL, 0xe2, 0x82], [A, NL])).toBe(3);
  });

  it('names the last line for a character cut off at the end', async () => {
    expect(await badLine([A, NL, A, NL, 0xe2, 0x82])).toBe(3);
  });

  it.each([
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
    ['Latin-1 é', [0x63, 0x61, 0x66, 0xe9]],
  ])('refuses %s', async (_, bytes) => {
    expect(await badLine([A, NL, ...bytes, NL])).toBe(2);
  });
});

describe('firstInvalidUtf8', () => {
  it('finds the offset of the first bad byte', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo wörld'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([A, A, 0xff, A]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0xe2, 0x82, A]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0x82, 0xac, A, 0xc3]))).toBe(-1); // tail of the previous chunk, head of the next
  });

  it('counts newlines up to an offset', () => {
    expect(countNewlines(Buffer.from('a\nb\nc\n'))).toBe(3);
    expect(countNewlines(Buffer.from('a\nb\nc\n'), 3)).toBe(1);
    expect(countNewlines(new Uint8Array([NL, A, NL]), 2)).toBe(1);
  });
});
