import { describe, expect, it } from 'vitest';
import { FirstSeen, hashOf } from '../../src/rules/first-seen.js';

/** As the duplicate-reference check asks: the line that first used `ref`; or undefined, after recording `line`. */
const firstLineOrAdd = (set: FirstSeen, ref: string, line: number): number | undefined => set.firstOrAdd(ref, { ref: '', line })?.line;

describe('FirstSeen, as the duplicate-reference check uses it', () => {
  it('names the first line of a repeated reference and keeps it across growth', () => {
    const set = new FirstSeen();
    expect(firstLineOrAdd(set, 'a', 2)).toBeUndefined();
    expect(firstLineOrAdd(set, 'b', 3)).toBeUndefined();
    expect(firstLineOrAdd(set, 'a', 4)).toBe(2);
    for (let i = 0; i < 50_000; i++) firstLineOrAdd(set, `ref-${i}`, i + 10);
    expect(firstLineOrAdd(set, 'a', 99)).toBe(2);
    expect(firstLineOrAdd(set, 'ref-49999', 99)).toBe(50_009);
    expect(set.size).toBe(50_002);
  });

  it('tells apart 200,000 similar references (no false duplicates)', () => {
    const set = new FirstSeen();
    let repeats = 0;
    for (let i = 0; i < 100_000; i++) {
      if (firstLineOrAdd(set, `INV-${String(i).padStart(8, '0')}`, i + 2) !== undefined) repeats++;
      if (firstLineOrAdd(set, `inv-${i}`, i + 2) !== undefined) repeats++;
    }
    expect(repeats).toBe(0);
    expect(set.size).toBe(200_000);
  });

  it('distinguishes references that differ only in case, spaces or Unicode', () => {
    const set = new FirstSeen();
    const refs = ['abc', 'ABC', 'abc ', ' abc', 'ab c', 'abç', 'abc\u0301', ''];
    refs.forEach((r, i) => expect(firstLineOrAdd(set, r, i + 1)).toBeUndefined());
    refs.forEach((r, i) => expect(firstLineOrAdd(set, r, 100)).toBe(i + 1));
  });
});

describe('FirstSeen is exact', () => {
  it('two different references with the same hash are never taken for one another', () => {
    const [a, b] = collidingPair();
    expect(hashOf(a)).toBe(hashOf(b));
    const set = new FirstSeen();
    expect(firstLineOrAdd(set, a, 2)).toBeUndefined();
    expect(set.first(b)?.line).toBeUndefined();
    expect(firstLineOrAdd(set, b, 3)).toBeUndefined();
    expect(firstLineOrAdd(set, a, 4)).toBe(2);
    expect(firstLineOrAdd(set, b, 5)).toBe(3);
  });

  it('keeps multi-byte references across arena chunks, and very long ones', () => {
    const set = new FirstSeen();
    const refs = Array.from({ length: 60_000 }, (_, i) => `réf-€-🙂-${i}-${'x'.repeat(i % 40)}`);
    // One assertion over all rows (60,000 `expect` calls cost seconds): the list of rows answered wrong.
    expect(refs.filter((r, i) => firstLineOrAdd(set, r, i + 2) !== undefined)).toEqual([]);
    const long = 'L'.repeat(70_000);
    expect(firstLineOrAdd(set, long, 1)).toBeUndefined();
    expect(firstLineOrAdd(set, long, 9)).toBe(1);
    expect(refs.filter((r, i) => set.first(r)?.line !== i + 2)).toEqual([]);
    expect(set.size).toBe(60_001);
  });
});

/**
 * Two references with the same 32-bit hash. Found once by a birthday search over `PAY-<n>` (1.3
 * million hashes, seconds of CPU); searched again only if the hash function has changed since.
 */
function collidingPair(): [string, string] {
  const known: [string, string] = ['PAY-787858', 'PAY-1271866'];
  if (hashOf(known[0]) === hashOf(known[1])) return known;
  const byHash = new Map<number, string>();
  for (let i = 0; ; i++) {
    const ref = `PAY-${i}`;
    const other = byHash.get(hashOf(ref));
    if (other !== undefined) return [other, ref];
    byHash.set(hashOf(ref), ref);
  }
}
