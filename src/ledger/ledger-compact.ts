/**
 * Compaction, under the ledger's lock: the compacted entries and the log are read whole, each
 * payout's last line decides it (a void drops it), payouts older than the retention are dropped,
 * and what is left is written whole as the new `payouts.compacted` (fsync'ed, then renamed onto
 * the old); only then is the log replaced by an empty one. A compaction that stops half way
 * leaves the old files, or the new compacted file beside the old log, which holds the same
 * payouts (see ledger-snapshot.ts): never a ledger that lost a live entry.
 */
import { join } from 'node:path';
import { writeAtomic } from '../write-atomic.js';
import { BASE_FILE } from './ledger-base.js';
import { writeBase } from './ledger-base-write.js';
import type { LedgerEntry } from './ledger-entry.js';
import { newTail } from './ledger-read.js';
import { LOG_FILE, type LedgerSnapshot } from './ledger-snapshot.js';
import { RepeatIndex } from './repeat-check.js';

export interface CompactOptions {
  now: number;
  retentionMs: number;
}

/** Rewrites the ledger in `dir` from `snapshot` (which the caller has checked is the ledger on disk, under the lock). */
export async function compactLedger(dir: string, snapshot: LedgerSnapshot, { now, retentionMs }: CompactOptions): Promise<void> {
  const horizon = now - retentionMs;
  // Only whether each payout is live matters here: no entry is indexed by signature.
  const all = new RepeatIndex({ source: snapshot, since: Infinity });
  snapshot.base?.forEach((entry, n) => all.apply(entry, -(n + 1)));
  snapshot.log?.catchUp(all, newTail());
  function* kept(): Generator<LedgerEntry> {
    for (const { position, at } of all.live()) if (at >= horizon) yield snapshot.read(position);
  }
  // Everything since the horizon that the old files held is kept, as far back as they held it.
  const keptSince = Math.max(horizon, snapshot.base?.keptSince ?? 0);
  await writeBase(join(dir, BASE_FILE), kept(), { keptSince, retentionMs: Number.isFinite(retentionMs) ? retentionMs : -1 });
  await writeAtomic(join(dir, LOG_FILE), '', { durable: true });
}
