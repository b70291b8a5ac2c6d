/**
 * Compaction, under the ledger's lock: each payout's last line decides it (a void drops it, a
 * later paid moves it), payouts older than the retention are dropped, and what is left is written
 * whole as the new `payouts.compacted` (fsync'ed, then renamed onto the old); only then is the log
 * replaced by an empty one. A compaction that stops half way leaves the old files, or the new
 * compacted file beside the old log, which holds the same payouts (see ledger-snapshot.ts): never
 * a ledger that lost a live entry. The compacted lines kept are copied as they are, and the old
 * tables are streamed into the new ones (filtered and renumbered; the log's pairs merged into the
 * sorted ones), so its cost is a copy of the file and a parse of the log, and its memory 5 bytes
 * a compacted entry plus the log's.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hashOf } from '../rules/first-seen.js';
import { writeAtomic, type AtomicFile } from '../write-atomic.js';
import { BASE_FILE, Table, type LedgerBase } from './ledger-base.js';
import { BaseWriter, sortedPairs } from './ledger-base-write.js';
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
  await removeLeftovers(dir);
  const writer = await BaseWriter.open(join(dir, BASE_FILE), openReplacement);
  try {
    if (snapshot.base && base) await copyKept(snapshot.base, base, writer);
    const fromLog = await writeLogKept(log, snapshot, horizon, writer);
    await writeTables(writer, snapshot.base, base, fromLog);
    const legacy = (snapshot.base?.legacyNumbers.filter((n) => base!.dropped[n] === 0).length ?? 0) + fromLog.legacy.length;
    // Everything since the horizon that the old files held is kept, as far back as they held it.
    await writer.commit({ entries: (base?.count ?? 0) + fromLog.count, legacy, keptSince: Math.max(horizon, snapshot.base?.keptSince ?? 0), retentionMs: Number.isFinite(retentionMs) ? retentionMs : -1 });
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
  const positions: number[] = [];
  for (const { position, alive } of log.payouts()) {
    if (position >= 0) positions.push(position);
    else if (!alive) decided[-position - 1] = 1; // a version-1 entry (read at once) that a void cancelled
  }
  const lines = sortedPairs(Uint32Array.from(positions, (p) => hashOf(snapshot.read(p).ref)));
  let k = 0;
  for (const chunk of base.chunks(Table.ByRef)) {
    const pairs = new Uint32Array(chunk.buffer, 0, chunk.length / 4);
    for (let i = 0; i < pairs.length; i += 2) {
      while (k < lines.length && lines[k]! < pairs[i]!) k += 2;
      for (let j = k; j < lines.length && lines[j] === pairs[i]; j += 2) {
        const line = snapshot.read(positions[lines[j + 1]!]!);
        const entry = base.read(pairs[i + 1]!);
        if (entry.ref === line.ref && identityOf(entry) === identityOf(line)) decided[pairs[i + 1]!] = 1;
      }
    }
  }
  return decided;
}

interface KeptOfBase {
  /** 1 for each compacted entry dropped: decided by the log, or older than the horizon. */
  dropped: Uint8Array;
  /** Each kept entry's number in the new file. */
  renumbered: Uint32Array;
  count: number;
}

function keptOfBase(base: LedgerBase, dropped: Uint8Array, horizon: number): KeptOfBase {
  const renumbered = new Uint32Array(base.count);
  let n = 0;
  let count = 0;
  for (const times of base.float64s(Table.Times)) {
    for (let i = 0; i < times.length; i++, n++) {
      if (times[i]! < horizon) dropped[n] = 1;
      renumbered[n] = count;
      count += 1 - dropped[n]!;
    }
  }
  return { dropped, renumbered, count };
}

/**
 * Values of the old tables come in batches of a chunk (8,192 float64s), each used up before the
 * next is asked for, so each step of the stream fills one buffer again and again.
 */
const BATCH = 8192;

/** Each compacted line's length in bytes, in entry order, a batch per chunk of its offsets (the lines follow one another from 0). */
function* lineLengths(base: LedgerBase): Generator<Float64Array> {
  let previous: number | undefined;
  const lengths = new Float64Array(BATCH);
  for (const offsets of base.float64s(Table.Offsets)) {
    let j = 0;
    for (let i = 0; i < offsets.length; previous = offsets[i++]) if (previous !== undefined) lengths[j++] = offsets[i]! - previous;
    yield lengths.subarray(0, j);
  }
  if (previous !== undefined) yield Float64Array.of(base.footer.entryBytes - previous);
}

/** The compacted lines still live and recent enough, copied in runs of up to a MiB. */
async function copyKept(base: LedgerBase, { dropped }: KeptOfBase, writer: BaseWriter): Promise<void> {
  const scratch = Buffer.allocUnsafe(1 << 20);
  let [at, start, bytes, n] = [0, 0, 0, 0];
  const flush = async (): Promise<void> => {
    if (bytes > 0) await writer.write(base.bytes(start, bytes, scratch));
    bytes = 0;
  };
  for (const lengths of lineLengths(base)) {
    for (const length of lengths) {
      if (dropped[n++] === 1 || bytes + length > scratch.length) await flush();
      if (dropped[n - 1] === 0) {
        if (bytes === 0) start = at;
        bytes += length;
      }
      at += length;
    }
  }
  await flush();
}

/** What the new tables need of the log's lines kept, in the order they were written. */
interface LogRows {
  count: number;
  bytes: Float64Array;
  at: Float64Array;
  refHashes: Uint32Array;
  payeeHashes: Uint32Array;
  legacy: number[];
}

/** The log's live payouts since the horizon, each as its last line says. */
async function writeLogKept(log: RepeatIndex, snapshot: LedgerSnapshot, horizon: number, writer: BaseWriter): Promise<LogRows> {
  const positions: number[] = [];
  const times: number[] = [];
  for (const { position, at, alive } of log.payouts()) if (position >= 0 && alive && at >= horizon) (positions.push(position), times.push(at));
  const count = positions.length;
  const rows: LogRows = { count, bytes: new Float64Array(count), at: Float64Array.from(times), refHashes: new Uint32Array(count), payeeHashes: new Uint32Array(count), legacy: [] };
  let lines: string[] = [];
  let size = 0;
  for (let i = 0; i < count; i++) {
    const entry = snapshot.read(positions[i]!);
    const line = formatLedgerEntry(entry);
    lines.push(line);
    [rows.bytes[i], rows.refHashes[i], rows.payeeHashes[i]] = [Buffer.byteLength(line), hashOf(entry.ref), hashOf(entry.payee)];
    if (entry.v === 1) rows.legacy.push(i);
    size += rows.bytes[i]!;
    if (size >= 1 << 20 || i === count - 1) {
      await writer.write(Buffer.from(lines.join('')));
      [lines, size] = [[], 0];
    }
  }
  return rows;
}

/** The new tables in file order: the kept compacted entries' (streamed from the old tables), then the log's. */
async function writeTables(writer: BaseWriter, old: LedgerBase | undefined, base: KeptOfBase | undefined, log: LogRows): Promise<void> {
  const kept = (batches: Iterable<Float64Array>): Iterable<Float64Array> => (old && base ? keptOf(batches, base.dropped) : []);
  const first = base?.count ?? 0;
  await writer.table(Float64Array, offsets(chain(kept(old ? lineLengths(old) : []), [log.bytes])));
  await writer.table(Float64Array, chain(kept(old ? old.float64s(Table.Times) : []), [log.at]));
  for (const [which, hashes] of [[Table.ByRef, log.refHashes], [Table.ByPayee, log.payeeHashes]] as const) {
    await writer.table(Uint32Array, mergedPairs(old && base ? { old, base, which } : undefined, sortedPairs(hashes), first));
  }
  const legacy = old ? [...old.legacyNumbers].filter((n) => base!.dropped[n] === 0).map((n) => base!.renumbered[n]!) : [];
  await writer.table(Uint32Array, [legacy, log.legacy.map((i) => first + i)]);
}

/** The values of the entries kept, batch by batch. */
function* keptOf(batches: Iterable<Float64Array>, dropped: Uint8Array): Generator<Float64Array> {
  let n = 0;
  const kept = new Float64Array(BATCH);
  for (const batch of batches) {
    let j = 0;
    for (let i = 0; i < batch.length; i++) if (dropped[n++] === 0) kept[j++] = batch[i]!;
    yield kept.subarray(0, j);
  }
}

function* chain<T>(...lists: Iterable<T>[]): Generator<T> {
  for (const list of lists) yield* list;
}

/** Each line's offset from its length, the lines following one another from 0. */
function* offsets(lengths: Iterable<Float64Array>): Generator<Float64Array> {
  let offset = 0;
  let out = new Float64Array(BATCH);
  for (const batch of lengths) {
    if (batch.length > out.length) out = new Float64Array(batch.length); // the log's, whole
    for (let i = 0; i < batch.length; offset += batch[i++]!) out[i] = offset;
    yield out.subarray(0, batch.length);
  }
}

/** The old sorted pairs still kept, renumbered, merged with the log's (numbered after them): sorted by hash, then number; a batch per chunk. */
function* mergedPairs(from: { old: LedgerBase; base: KeptOfBase; which: typeof Table.ByRef | typeof Table.ByPayee } | undefined, logPairs: Uint32Array, first: number): Generator<number[]> {
  let k = 0;
  const logUpTo = (hash: number, out: number[]): void => {
    for (; k < logPairs.length && logPairs[k]! < hash; k += 2) out.push(logPairs[k]!, first + logPairs[k + 1]!);
  };
  for (const chunk of from ? from.old.chunks(from.which) : []) {
    const pairs = new Uint32Array(chunk.buffer, 0, chunk.length / 4);
    const out: number[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      if (from!.base.dropped[pairs[i + 1]!] === 1) continue;
      logUpTo(pairs[i]!, out);
      out.push(pairs[i]!, from!.base.renumbered[pairs[i + 1]!]!);
    }
    yield out;
  }
  const rest: number[] = [];
  logUpTo(Infinity, rest);
  yield rest;
}
