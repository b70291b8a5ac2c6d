/**
 * The repeat-payee guard of one run, pure but for the rows-seen set's scratch file: each valid row,
 * in file order, against the ledger index (as the run started, or as the locked ledger step reads
 * it) and against the rows seen before it in the file.
 */
import { FirstSeen, type FirstRow } from '../rules/first-seen.js';
import { shellQuote } from '../ui/shell-quote.js';
import type { RepeatIndex } from './repeat-check.js';
import type { RepeatKey } from './repeat-key.js';
import { signatureOf, type PayoutParts } from './repeat-signature.js';

export interface RepeatCandidate extends PayoutParts {
  ref: string;
  line: number;
  /** The payee key version-1 entries carry (computed only when the ledger has such entries). */
  legacyPayee?: () => string;
  /** `--allow-repeat`, `--allow-repeat-of` this reference, or the row's `allow_repeat` column is `yes`. */
  allowRepeat: boolean;
}

export type RepeatVerdict = { held: false } | { held: true; message: string };

export interface RepeatGuardOptions {
  /** 0 turns the guard off. */
  windowMs: number;
  /** The window as the operator wrote it, for messages (`3d`). */
  windowText: string;
  now: number;
  /** The 32-bit hash of the rows-seen set (a test forces collisions with a tiny one). */
  hash?: (key: string) => number;
}

/** One run's check: the ledger as it was when the run started, plus the rows seen so far in the file. */
export class RepeatGuard {
  #seen: FileRepeats | undefined;

  constructor(
    readonly index: RepeatIndex,
    readonly options: RepeatGuardOptions,
  ) {}

  get enabled(): boolean {
    return this.options.windowMs > 0;
  }

  /** Call once per valid row, in file order. */
  check(row: RepeatCandidate): RepeatVerdict {
    if (!this.enabled) return { held: false };
    this.#seen ??= new FileRepeats(this.index.key, this.options.hash);
    const before = this.#seen.firstOrAdd(row);
    // A row already paid under its own reference is the journal's business (a rerun), never a repeat.
    if (row.allowRepeat || this.index.hasRef(row.ref)) return { held: false };
    const what = `${row.currency} ${row.amount}`;
    if (before && before.ref !== row.ref) {
      return { held: true, message: `the same payee and amount (${what}) appears earlier in this file under reference ${JSON.stringify(before.ref)} (line ${before.line}): ${heldAdvice(row.ref)}` };
    }
    const earlier = this.index.latestOther(row, this.options.now - this.options.windowMs);
    if (earlier) {
      const when = new Date(earlier.at).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        held: true,
        message:
          `the same payee and amount (${what}) was paid, or is due to be, under reference ${JSON.stringify(earlier.ref)} from ${earlier.file} at ${when}, ` +
          `within the ${this.options.windowText} repeat window: ${heldAdvice(row.ref, this.options.now - earlier.at)}`,
      };
    }
    return { held: false };
  }

  /** Releases the rows-seen set (and its scratch file). */
  close(): void {
    this.#seen?.close();
    this.#seen = undefined;
  }
}

/**
 * What to do about a held row. A payout due on a schedule (a flat nightly fee) is the same payout
 * every time: the window must be shorter than its interval, or the rows named.
 */
function heldAdvice(ref: string, sinceEarlierMs?: number): string {
  const allow = `--allow-repeat-of ${shellQuote(ref)}`;
  const base = `nothing was sent for it. If this second payout is intended, rerun with ${allow} (or --allow-repeat for every row, or set the row's allow_repeat column to yes)`;
  if (sinceEarlierMs === undefined) return base;
  const hours = Math.floor(sinceEarlierMs / 3_600_000 / 2);
  const window = hours >= 1 ? `${hours}h` : `${Math.max(1, Math.floor(sinceEarlierMs / 60_000 / 2))}m`;
  return `${base}; for a payout due on a schedule (a flat fee paid every night), use a --repeat-window shorter than its interval (e.g. --repeat-window ${window})`;
}

/**
 * The rows seen so far in one file, by signature under the key. With descriptions in the key, a
 * row with a description is the same as an earlier row with the same one or with none; a row
 * without one is the same as any earlier row: `N|sig` (rows without), `D|sig|desc` and `A|sig`
 * (rows with one) say which.
 */
class FileRepeats {
  readonly #seen: FirstSeen;

  constructor(
    readonly key: RepeatKey,
    hash?: (key: string) => number,
  ) {
    this.#seen = new FirstSeen(hash);
  }

  /** The first earlier row this one repeats, after noting this one. */
  firstOrAdd(row: RepeatCandidate): FirstRow | undefined {
    const seen = this.#seen;
    const sig = signatureOf(row, this.key);
    const me = { ref: row.ref, line: row.line };
    if (!this.key.description) return seen.firstOrAdd(`B|${sig}`, me);
    if (row.desc === '') return earliest(seen.firstOrAdd(`N|${sig}`, me), seen.first(`A|${sig}`));
    const first = earliest(seen.first(`N|${sig}`), seen.firstOrAdd(`D|${sig}|${row.desc}`, me));
    seen.firstOrAdd(`A|${sig}`, me);
    return first;
  }

  close(): void {
    this.#seen.close();
  }
}

function earliest(a: FirstRow | undefined, b: FirstRow | undefined): FirstRow | undefined {
  return a && b ? (a.line <= b.line ? a : b) : (a ?? b);
}
