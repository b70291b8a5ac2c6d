/**
 * Compaction, under the ledger's lock: each payout's last line decides it (a void drops it, a
 * later paid moves it), payouts older than the retention are dropped, and what is left is written
 * whole as the new `payouts.compacted` (fsync'ed, then renamed onto the old); only then is the log
 * replaced by an empty one. A compaction that stops half way leaves the old files, or the new
 * compacted file beside the old log, which holds the same payouts (see ledger-snapshot.ts): never
 * a ledger that lost a live entry. The compacted lines kept are copied as they are, their times
 * and hashes taken from the tables, so its cost is a copy of the file and a parse of the log.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hashOf } from '../rules/first-seen.js';
import { writeAtomic, type AtomicFile } from '../write-atomic.js';
import { BASE_FILE, Table, type LedgerBase } from './ledger-base.js';
import { BaseWriter, type BaseRow } from './ledger-base-write.js';
import { formatLedgerEntry } from './ledger-entry.js';
import { newTail } from './ledger-read.js';
import { LOG_FILE, type LedgerSnapshot } from './ledger-snapshot.js';
import { RepeatIndex } from './repeat-check.js';
import { identityOf } from './repeat-signature.js';

export interface CompactOptions {
  now: number;
  retentionMs: number;
  /** Tests make the new file's writes fail here. */
  openReplacement?: ((path: string) => Promise<AtomicFile>) | undefined;
}

/** Rewrites the ledger in `dir` from `snapshot` (which the caller has checked is the ledger on disk, under the lock). */
export async function compactLedger(dir: string, snapshot: LedgerSnapshot, { now, retentionMs, openReplacement }: CompactOptions): Promise<void> {
  const horizon = now - retentionMs;
  // The log over the compacted entries: only whether each payout is live matters (no signatures).
  const log = new RepeatIndex({ source: snapshot, since: Infinity });
  log.reset(snapshot.base);
  snapshot.log?.catchUp(log, newTail());
  const base = snapshot.base && keptOfBase(snapshot.base, decidedByLog(log, snapshot), horizon);
  let fromLog = 0;
  for (const { position, at, alive } of log.payouts()) if (position >= 0 && alive && at >= horizon) fromLog += 1;
  await removeLeftovers(dir);
  const writer = await BaseWriter.open(join(dir, BASE_FILE), (base?.count ?? 0) + fromLog, openReplacement);
  try {
    if (snapshot.base && base) await copyKept(snapshot.base, base, writer);
    await writeLogKept(log, snapshot, horizon, writer);
    // Everything since the horizon that the old files held is kept, as far back as they held it.
    await writer.commit({ keptSince: Math.max(horizon, snapshot.base?.keptSince ?? 0), retentionMs: Number.isFinite(retentionMs) ? retentionMs : -1 });
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writeAtomic(join(dir, LOG_FILE), '', { durable: true });
}

/**
 * Temp files of a compaction that was killed (SIGKILL, a power cut): the lock is only ever taken
 * over from a holder that is gone, so under it no other compaction is writing one.
 */
async function removeLeftovers(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const leftover = (name: string): boolean => name.startsWith(`${BASE_FILE}.tmp-`) || name.startsWith(`${LOG_FILE}.tmp-`);
  await Promise.all(names.filter(leftover).map((name) => unlink(join(dir, name)).catch(() => undefined)));
}

/**
 * The compacted entries a log line decides (a later paid or a void of the same payout): the log's
 * line replaces them. The log's references, sorted by hash, are walked beside the sorted table.
 */
function decidedByLog(log: RepeatIndex, snapshot: LedgerSnapshot): Uint8Array {
  const base = snapshot.base!;
  const decided = new Uint8Array(base.count);
  const lines: { hash: number; position: number }[] = [];
  for (const { position, alive } of log.payouts()) {
    if (position >= 0) lines.push({ hash: hashOf(snapshot.read(position).ref), position });
    else if (!alive) decided[-position - 1] = 1; // a version-1 entry (read at once) that a void cancelled
  }
  lines.sort((a, b) => a.hash - b.hash);
  const pairs = new Uint32Array(base.table(Table.ByRef));
  let i = 0;
  for (const { hash, position } of lines) {
    while (i < pairs.length && pairs[i]! < hash) i += 2;
    for (let j = i; j < pairs.length && pairs[j] === hash; j += 2) {
      const line = snapshot.read(position);
      const entry = base.read(pairs[j + 1]!);
      if (entry.ref === line.ref && identityOf(entry) === identityOf(line)) decided[pairs[j + 1]!] = 1;
    }
  }
  return decided;
}

interface KeptOfBase {
  /** 1 for each compacted entry dropped: decided by the log, or older than the horizon. */
  dropped: Uint8Array;
  times: Float64Array;
  count: number;
}

function keptOfBase(base: LedgerBase, dropped: Uint8Array, horizon: number): KeptOfBase {
  const times = new Float64Array(base.table(Table.Times));
  let count = 0;
  for (let n = 0; n < base.count; n++) {
    if (times[n]! < horizon) dropped[n] = 1;
    count += 1 - dropped[n]!;
  }
  return { dropped, times, count };
}

/** The compacted lines still live and recent enough, copied in runs of up to a MiB. */
async function copyKept(base: LedgerBase, { dropped, times }: KeptOfBase, writer: BaseWriter): Promise<void> {
  const offsets = new Float64Array(base.table(Table.Offsets));
  const refs = base.hashesByNumber(Table.ByRef);
  const payees = base.hashesByNumber(Table.ByPayee);
  const legacy = new Uint8Array(base.count);
  for (const n of base.legacyNumbers) legacy[n] = 1;
  const keep = (n: number): boolean => dropped[n] === 0;
  const lineBytes = (n: number): number => (n + 1 < base.count ? offsets[n + 1]! : base.footer.entryBytes) - offsets[n]!;
  const scratch = Buffer.allocUnsafe(1 << 20);
  for (let n = 0; n < base.count; ) {
    if (!keep(n)) {
      n += 1;
      continue;
    }
    const rows: BaseRow[] = [];
    let bytes = 0;
    const first = n;
    for (; n < base.count && keep(n) && (rows.length === 0 || bytes + lineBytes(n) <= scratch.length); n++) {
      rows.push({ bytes: lineBytes(n), at: times[n]!, refHash: refs[n]!, payeeHash: payees[n]!, legacy: legacy[n] === 1 });
      bytes += lineBytes(n);
    }
    await writer.write(base.bytes(offsets[first]!, bytes, scratch), rows);
  }
}

/** The log's live payouts since the horizon, each as its last line says. */
async function writeLogKept(log: RepeatIndex, snapshot: LedgerSnapshot, horizon: number, writer: BaseWriter): Promise<void> {
  let lines: string[] = [];
  let rows: BaseRow[] = [];
  let bytes = 0;
  for (const { position, at, alive } of log.payouts()) {
    if (position < 0 || !alive || at < horizon) continue;
    const entry = snapshot.read(position);
    const line = formatLedgerEntry(entry);
    const length = Buffer.byteLength(line);
    lines.push(line);
    rows.push({ bytes: length, at, refHash: hashOf(entry.ref), payeeHash: hashOf(entry.payee), legacy: entry.v === 1 });
    bytes += length;
    if (bytes >= 1 << 20) {
      await writer.write(Buffer.from(lines.join('')), rows);
      [lines, rows, bytes] = [[], [], 0];
    }
  }
  if (lines.length > 0) await writer.write(Buffer.from(lines.join('')), rows);
}
