/** Writing a compacted ledger file whole (layout: ledger-base.ts), through the one atomic write. */
import { crc32 } from 'node:zlib';
import { openAtomic } from '../write-atomic.js';
import { hashOf } from '../rules/first-seen.js';
import { formatLedgerEntry, type LedgerEntry } from './ledger-entry.js';
import { FOOTER_BYTES, type BaseFooter } from './ledger-base.js';

export interface BaseMeta {
  keptSince: number;
  retentionMs: number;
}

const CHUNK = 1 << 20;

/**
 * Writes `entries` (live paid entries, one per payout) to `path`: beside it, fsync'ed, then
 * renamed onto it, so a reader sees the old file or the new one, whole. A failure leaves the old.
 */
export async function writeBase(path: string, entries: Iterable<LedgerEntry>, meta: BaseMeta): Promise<void> {
  const file = await openAtomic(path, { durable: true });
  try {
    const offsets: number[] = [];
    const refHashes: number[] = [];
    const payeeHashes: number[] = [];
    const legacy: number[] = [];
    let position = 0;
    let pending: string[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pending.length > 0) await file.handle.write(pending.join(''));
      pending = [];
      pendingBytes = 0;
    };
    for (const entry of entries) {
      const line = formatLedgerEntry(entry);
      if (entry.v === 1) legacy.push(offsets.length);
      offsets.push(position);
      refHashes.push(hashOf(entry.ref));
      payeeHashes.push(hashOf(entry.payee));
      const bytes = Buffer.byteLength(line);
      position += bytes;
      pending.push(line);
      pendingBytes += bytes;
      if (pendingBytes >= CHUNK) await flush();
    }
    await flush();
    const tables = [Buffer.from(Float64Array.from(offsets).buffer), sortedPairs(refHashes), sortedPairs(payeeHashes), Buffer.from(Uint32Array.from(legacy).buffer)];
    let crc = 0;
    for (const table of tables) {
      crc = crc32(table, crc);
      await file.handle.write(table);
    }
    const footer: BaseFooter = { format: 'milkypay-ledger-compacted/1', entries: offsets.length, entryBytes: position, legacy: legacy.length, ...meta, crc };
    await file.handle.write(`${JSON.stringify(footer)}`.padEnd(FOOTER_BYTES - 1, ' ') + '\n');
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}

/** (hash, entry number) pairs sorted by hash, then number, as little-endian uint32s. */
function sortedPairs(hashes: readonly number[]): Buffer {
  const keys = new BigUint64Array(hashes.length);
  for (let n = 0; n < hashes.length; n++) keys[n] = (BigInt(hashes[n]!) << 32n) | BigInt(n);
  keys.sort();
  const pairs = new Uint32Array(hashes.length * 2);
  for (let i = 0; i < keys.length; i++) {
    pairs[i * 2] = Number(keys[i]! >> 32n);
    pairs[i * 2 + 1] = Number(keys[i]! & 0xffffffffn);
  }
  return Buffer.from(pairs.buffer);
}
