/**
 * The reference ids seen so far in a file, each with the line that used it first: compact and
 * exact. A FirstSeen set: a 32-bit hash and where the reference's record is in memory (11 to 16
 * bytes a reference, against about 50 with the references' bytes kept in memory, and about 100
 * as strings in a Map); the bytes are in a scratch file, and a hash match is confirmed on them, so
 * two references that merely share a hash are never taken for one another (a false duplicate
 * would leave a payout unpaid).
 */
import { FirstSeen } from './first-seen.js';

export { hashOf } from './first-seen.js';

export class ReferenceSet {
  readonly #seen = new FirstSeen();

  get size(): number {
    return this.#seen.size;
  }

  /** The line that first used `ref`, or undefined; records nothing. */
  firstLine(ref: string): number | undefined {
    return this.#seen.first(ref)?.line;
  }

  /** The line that first used `ref`; or undefined, after recording `line` as its first use. */
  firstLineOrAdd(ref: string, line: number): number | undefined {
    return this.#seen.firstOrAdd(ref, { ref: '', line })?.line;
  }
}
