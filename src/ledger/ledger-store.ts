/**
 * The per-account ledger on disk: `secret` (the HMAC key, 0600), `account.json` (what the folder
 * belongs to, for people), `payouts.jsonl` (entries appended since the last compaction, 0600) and
 * `payouts.compacted` (the live payouts kept by the last compaction, read only where a row needs
 * them), in a 0700 folder. Appends hold `payouts.jsonl.lock` and first read what other runs
 * appended, so the check and the intent are one step even when two runs pay from the same account
 * at once. A run compacts the ledger under the same lock: at its end (`finish`) once the log passes
 * `compactAfterBytes`, and during it once the log also outgrows the compacted file (up to 8 times that).
 * It fails closed: a ledger that cannot be read or written whole throws a LedgerError.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { BASE_FILE } from './ledger-base.js';
import { compactLedger } from './ledger-compact.js';
import { recordWindow, retentionMs, RETENTION_FILE } from './ledger-retention.js';
import { LedgerSnapshot, LOG_FILE } from './ledger-snapshot.js';
import { basename, join } from 'node:path';
import { AbortedError, PayoutsError } from '../errors.js';
import { acquireLock, LockError } from '../journal/lock.js';
import { LedgerError, ledgerUnwritable, ledgerWriteFailed } from './ledger-errors.js';
import { whyNotWritable } from '../writable-folder.js';
import { keepPrivate, type PrivatePath } from '../private-modes.js';
import { formatLedgerEntry, type LedgerEntry } from './ledger-entry.js';
import type { LedgerAccount } from './ledger-location.js';
import { accountLedgerFolder } from './ledger-migrate.js';
import { newTail } from './ledger-read.js';
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
  /** This run's repeat window: compaction keeps at least the longest any run used (ledger-retention.ts). */
  windowMs?: number;
  /** Clock, for tests: what compaction counts as old. */
  now?: () => number;
  /**
   * Compact once the log holds this many bytes (default 4 MiB, about 18,000 entries): at the end of
   * a run (`finish`); during one, once it also holds as many as the compacted file (up to 8 times this).
   */
  compactAfterBytes?: number;
}

const COMPACT_AFTER_BYTES = 4 << 20;
/**
 * During a run the log may grow to this many times compactAfterBytes before it is compacted: the
 * bound grows with the compacted file, so a big run rewrites it a few times, not once per 4 MiB.
 */
const MID_RUN_FACTOR = 8;

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
  /** At the end of a run that appended: compacts under the lock once the log passed compactAfterBytes, so the next run reads a short one. */
  finish(): Promise<void>;
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
  const file = join(dir, LOG_FILE);
  const why = await whyNotWritable(dir);
  if (why) throw ledgerUnwritable(dir, why);
  await keepLedgerPrivate(dir, options.onWarning);
  let secret = await readSecret(dir);
  let created = secret !== undefined;
  secret ??= passingSecret();
  let snapshot = LedgerSnapshot.open(dir);
  const index = new RepeatIndex({ source: { read: (position) => snapshot.read(position) }, ...(options.since !== undefined ? { since: options.since } : {}), ...(options.hash ? { hash: options.hash } : {}), ...(options.key ? { key: options.key } : {}) });
  let tail = newTail();
  const read = (): void => {
    snapshot.close();
    snapshot = LedgerSnapshot.open(dir);
    index.reset(snapshot.base);
    tail = newTail();
    snapshot.log?.catchUp(index, tail);
  };
  index.reset(snapshot.base);
  snapshot.log?.catchUp(index, tail);
  if (created) await noteWindow(dir, snapshot, options);
  // One step at a time from this process; other processes are kept out by the lock file.
  const serially = oneAtATime();
  let keys: PayeeKeys | undefined;
  const after = options.compactAfterBytes ?? COMPACT_AFTER_BYTES;
  let appended = false;
  return {
    dir,
    index,
    payeeKey: (payee) => legacyPayeeKey(secret!, payee),
    get keys() {
      return (keys ??= payeeKeys(secret!));
    },
    update: (decide) => serially(() => append(decide)),
    finish: () => serially(async () => (appended ? locked(async () => undefined, () => after) : undefined)).catch(warnIfLocked(dir, options.onWarning)),
    close: () => snapshot.close(),
  };

  /** `step` under the lock, the ledger read up to date first; then a compaction once the log holds `compactAt()` bytes. */
  async function locked(step: () => Promise<void>, compactAt: () => number): Promise<void> {
    const lock = await lockWithin(file, options.lockWaitMs ?? 30_000);
    try {
      // Another run compacted since: read the ledger again (the index is the same object, emptied).
      if (snapshot.compactedSince(dir)) read();
      snapshot.adoptLog(dir);
      snapshot.log?.catchUp(index, tail);
      await step();
      snapshot.adoptLog(dir);
      if (tail.offset >= compactAt()) await compact(dir, snapshot, options).then(read);
    } finally {
      await lock.release();
    }
  }

  async function append(decide: (index: RepeatIndex) => LedgerEntry[]): Promise<void> {
    if (!created) {
      secret = await createLedger(dir, account).catch((error: unknown) => {
        throw error instanceof PayoutsError ? error : ledgerWriteFailed(dir, error);
      });
      keys = undefined; // keyed with the ledger's own secret from now on
      created = true;
      await noteWindow(dir, snapshot, options);
    }
    await locked(async () => {
      const entries = decide(index);
      if (entries.length > 0) await appendWhole(file, tail, entries.map(formatLedgerEntry).join(''), { files: options.files ?? diskFiles, durable: options.durable ?? true, onWarning: options.onWarning }).then(() => (appended = true));
    }, () => Math.min(Math.max(after, snapshot.base?.footer.entryBytes ?? 0), MID_RUN_FACTOR * after));
  }
}

/** Runs each step after the one before has ended (failed or not). */
function oneAtATime(): <T>(step: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return (step) => {
    const next = queue.then(step);
    queue = next.catch(() => undefined);
    return next;
  };
}

/** At a run's end, a ledger another run holds locked is compacted by a later run: a warning, not a failure. */
function warnIfLocked(dir: string, onWarning: ((message: string) => void) | undefined): (error: unknown) => void {
  return (error) => {
    if (!(error instanceof AbortedError && error.code === 'ledger_locked')) throw error;
    onWarning?.(`could not compact the repeat-payee ledger in ${dir} (${error.message}): the next run tries again`);
  };
}

/** The ledger's folder, secret and account.json; the secret another run made first, if it did. */
async function createLedger(dir: string, account: LedgerAccount): Promise<Buffer> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stored = await readOrCreateSecret(dir);
  await writeFile(join(dir, 'account.json'), `${JSON.stringify(account)}\n`, { flag: 'wx', mode: 0o600 }).catch(ignoreExists);
  return stored;
}

/** Under the lock. A compaction that cannot finish leaves the ledger as it was, and the run goes on with it. */
async function compact(dir: string, snapshot: LedgerSnapshot, options: OpenLedgerOptions): Promise<void> {
  try {
    const now = (options.now ?? Date.now)();
    await compactLedger(dir, snapshot, { now, retentionMs: await retentionMs(dir, options.windowMs, options.onWarning), openReplacement: options.files?.openReplacement?.bind(options.files) });
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'ledger_damaged') throw error;
    options.onWarning?.(`could not compact the repeat-payee ledger in ${dir} (${(error as Error).message}): it is left whole as it was and this run goes on with it; the next run tries again (free space on that disk if it is full)`);
  }
}

function keepLedgerPrivate(dir: string, onWarning: ((message: string) => void) | undefined): Promise<void> {
  const held = (name: string): PrivatePath => ({ path: join(dir, name), what: `the repeat-payee ledger's ${name}` });
  return keepPrivate([{ path: dir, what: 'the repeat-payee ledger folder' }, ...['secret', LOG_FILE, BASE_FILE, RETENTION_FILE, 'account.json'].map(held)], onWarning ?? (() => undefined));
}

/** Records this run's window for compaction, and says when it reaches back before what the ledger kept. */
async function noteWindow(dir: string, snapshot: LedgerSnapshot, options: OpenLedgerOptions): Promise<void> {
  if (options.windowMs) await recordWindow(dir, options.windowMs).catch((error: unknown) => options.onWarning?.(`could not record this run's repeat window in ${join(dir, RETENTION_FILE)} (${(error as Error).message}): a compaction may keep only the longest window recorded`));
  const kept = snapshot.base?.keptSince;
  if (kept === undefined || options.since === undefined || options.since >= kept) return;
  const day = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  options.onWarning?.(
    `the repeat-payee ledger in ${dir} keeps payouts only from ${day(kept)} on (the longest repeat window used on it until now), but this run's window reaches back to ${day(options.since)}: ` +
      `a payout made before ${day(kept)} cannot hold a row of this run. From now on the ledger keeps this run's window too`,
  );
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
