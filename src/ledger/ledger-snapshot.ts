/**
 * One consistent view of a ledger's two files: the compacted entries (`payouts.compacted`) and the
 * lines appended since (`payouts.jsonl`). A compaction writes the new compacted file first and
 * then replaces the log with an empty one; a reader opens the log first, then the compacted file,
 * and checks that the log is still the one at its path (else opens both again). Whatever it got,
 * every payout is in it: a compacted file newer than its log already holds that log's lines, and
 * reading them again over it changes nothing (see RepeatIndex: a later line decides its payout).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AbortedError } from '../errors.js';
import { BASE_FILE, LedgerBase } from './ledger-base.js';
import type { LedgerEntry } from './ledger-entry.js';
import { LogFile } from './ledger-read.js';

export const LOG_FILE = 'payouts.jsonl';

export class LedgerSnapshot {
  private constructor(
    public log: LogFile | undefined,
    readonly base: LedgerBase | undefined,
  ) {}

  static open(dir: string): LedgerSnapshot {
    for (let attempt = 0; ; attempt++) {
      const log = LogFile.open(join(dir, LOG_FILE));
      let base: LedgerBase | undefined;
      try {
        base = LedgerBase.open(join(dir, BASE_FILE));
      } catch (error) {
        log?.close();
        throw error;
      }
      const snapshot = new LedgerSnapshot(log, base);
      if (!snapshot.#logReplaced()) return snapshot;
      snapshot.close();
      if (attempt === 20) throw new AbortedError('ledger_changed', `the ledger in ${dir} kept being compacted while this run read it: run again`);
    }
  }

  /** An entry by the position the index holds: a line of the log, or -(n + 1) for compacted entry n. */
  read(position: number): LedgerEntry {
    if (position < 0) return this.base!.read(-position - 1);
    if (!this.log) throw new AbortedError('ledger_changed', 'the ledger changed under this run: run again');
    return this.log.read(position);
  }

  /** Whether a compaction replaced either file since this view was opened (a new log after none is not one). */
  compactedSince(dir: string): boolean {
    return inode(join(dir, BASE_FILE)) !== this.base?.ino || this.#logReplaced();
  }

  /** Under the lock: the log a first append (this run's or another's) created after this view was opened. */
  adoptLog(dir: string): void {
    this.log ??= LogFile.open(join(dir, LOG_FILE));
  }

  close(): void {
    this.log?.close();
    this.base?.close();
  }

  #logReplaced(): boolean {
    return this.log !== undefined && inode(this.log.path) !== this.log.ino;
  }
}

function inode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
