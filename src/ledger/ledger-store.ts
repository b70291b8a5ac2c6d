/**
 * The per-account ledger on disk: `secret` (the HMAC key, 0600), `account.json` (what the folder
 * belongs to, for people) and `payouts.jsonl` (append-only entries, 0600), in a 0700 folder.
 * Appends hold `payouts.jsonl.lock` and first read what other runs appended, so the check and the
 * intent are one step even when two runs pay from the same account at once.
 * It fails closed: a ledger that cannot be read whole or written whole throws a LedgerError.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AbortedError, PayoutsError } from '../errors.js';
import { acquireLock, LockError } from '../journal/lock.js';
import { ledgerUnwritable, ledgerWriteFailed } from './ledger-errors.js';
import { whyNotWritable } from '../writable-folder.js';
import { keepPrivate, type PrivatePath } from '../private-modes.js';
import { formatLedgerEntry, type LedgerEntry } from './ledger-entry.js';
import type { LedgerAccount } from './ledger-location.js';
import { accountLedgerFolder } from './ledger-migrate.js';
import { catchUp, EntryReader, newTail } from './ledger-read.js';
import { passingSecret, readOrCreateSecret, readSecret } from './ledger-secret.js';
import { appendWhole, diskFiles, type LedgerFiles } from './ledger-write.js';
import { legacyPayeeKey, payeeKeys, type Payee, type PayeeKeys } from './payee-key.js';
import { RepeatIndex } from './repeat-check.js';
import type { RepeatKey } from './repeat-key.js';

export interface OpenLedgerOptions {
  /** fsync each append (default true). */
  durable?: boolean;
  onWarning?: (message: string) => void;
  /** How long to wait for another run's append to finish (default 30 s). */
  lockWaitMs?: number;
  /** Paid entries older than this (epoch ms) hold nothing for this run's window (see RepeatIndex). */
  since?: number;
  /** The index's 32-bit hash (a test forces collisions with a tiny one). */
  hash?: (key: string) => number;
  /** How the ledger file is appended to (tests inject short writes and full disks). */
  files?: LedgerFiles;
  /** The parts the index compares (default: all). */
  key?: RepeatKey;
}

export interface Ledger {
  readonly dir: string;
  readonly index: RepeatIndex;
  /** The version-1 payee key (every field as sent). */
  payeeKey(payee: Payee): string;
  /** The keyed hashes of what the guard compares, with the ledger's secret. */
  readonly keys: PayeeKeys;
  /**
   * Under the ledger lock: reads what other runs appended since, lets `decide` look at the up to
   * date index, and appends (and fsyncs) the entries it returns before resolving. The index does
   * not learn them: the run that writes them knows its own rows.
   */
  update(decide: (index: RepeatIndex) => LedgerEntry[]): Promise<void>;
  /** Lets go of the file the index reads entries back from (a later read opens it again). */
  close(): void;
}

/**
 * Reads the account's ledger. A ledger that does not exist yet is created only by the first
 * `update` (a dry run, or a run refused before sending, leaves nothing behind); until then payees
 * are keyed with a passing secret, which only compares rows of this run with each other.
 */
export async function openLedger(root: string, account: LedgerAccount, options: OpenLedgerOptions = {}): Promise<Ledger> {
  const dir = await accountLedgerFolder(root, account, options.onWarning);
  const file = join(dir, 'payouts.jsonl');
  const why = await whyNotWritable(dir);
  if (why) throw ledgerUnwritable(dir, why);
  const held = (name: string): PrivatePath => ({ path: join(dir, name), what: `the repeat-payee ledger's ${name}` });
  await keepPrivate([{ path: dir, what: 'the repeat-payee ledger folder' }, held('secret'), held('payouts.jsonl'), held('account.json')], options.onWarning ?? (() => undefined));
  let secret = await readSecret(dir);
  let created = secret !== undefined;
  secret ??= passingSecret();
  const reader = new EntryReader(file);
  const index = new RepeatIndex({ source: { read: (position) => reader.read(position) }, ...(options.since !== undefined ? { since: options.since } : {}), ...(options.hash ? { hash: options.hash } : {}), ...(options.key ? { key: options.key } : {}) });
  const tail = newTail();
  if (created) await catchUp(file, index, tail);
  const write = { files: options.files ?? diskFiles, durable: options.durable ?? true, onWarning: options.onWarning };
  const lockWaitMs = options.lockWaitMs ?? 30_000;
  // One append at a time from this process; other processes are kept out by the lock file.
  let queue: Promise<unknown> = Promise.resolve();
  let keys: PayeeKeys | undefined;
  return {
    dir,
    index,
    payeeKey: (payee) => legacyPayeeKey(secret!, payee),
    get keys() {
      return (keys ??= payeeKeys(secret!));
    },
    update(decide) {
      const next = queue.then(() => append(decide));
      queue = next.catch(() => undefined);
      return next;
    },
    close: () => reader.close(),
  };

  async function append(decide: (index: RepeatIndex) => LedgerEntry[]): Promise<void> {
    if (!created) {
      secret = await create().catch((error: unknown) => {
        throw error instanceof PayoutsError ? error : ledgerWriteFailed(dir, error);
      });
      keys = undefined; // keyed with the ledger's own secret from now on
      created = true;
    }
    const lock = await lockWithin(file, lockWaitMs);
    try {
      await catchUp(file, index, tail);
      const entries = decide(index);
      if (entries.length > 0) await appendWhole(file, tail, entries.map(formatLedgerEntry).join(''), write);
    } finally {
      await lock.release();
    }
  }

  async function create(): Promise<Buffer> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stored = await readOrCreateSecret(dir); // another run's, if it created the ledger first
    await writeFile(join(dir, 'account.json'), `${JSON.stringify(account)}\n`, { flag: 'wx', mode: 0o600 }).catch(ignoreExists);
    return stored;
  }
}

async function lockWithin(file: string, waitMs: number): ReturnType<typeof acquireLock> {
  const until = Date.now() + waitMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 40)) {
    try {
      return await acquireLock(file, { command: 'ledger append' });
    } catch (error) {
      if (!(error instanceof LockError) || Date.now() >= until) {
        if (error instanceof LockError) {
          throw new AbortedError('ledger_locked', `the ledger ${basename(file)} in ${join(file, '..')} stayed locked for ${waitMs / 1000} s: ${error.message}`);
        }
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function ignoreExists(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
}
