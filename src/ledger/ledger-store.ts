/**
 * The per-account ledger on disk: `secret` (the HMAC key, 0600), `account.json` (what the folder
 * belongs to, for people) and `payouts.jsonl` (append-only entries, 0600), in a 0700 folder.
 * Appends hold `payouts.jsonl.lock` and first read what other runs appended, so the check and the
 * intent are one step even when two runs pay from the same account at once.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { link, mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AbortedError } from '../errors.js';
import { acquireLock, LockError } from '../journal/lock.js';
import { syncDirectory } from '../journal/sync-directory.js';
import { formatLedgerEntry, parseLedgerLine, type LedgerEntry } from './ledger-entry.js';
import { accountFolder, type LedgerAccount } from './ledger-location.js';
import { payeeKey, type Payee } from './payee-key.js';
import { RepeatIndex } from './repeat-check.js';

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
}

export interface Ledger {
  readonly dir: string;
  readonly index: RepeatIndex;
  payeeKey(payee: Payee): string;
  /**
   * Under the ledger lock: reads what other runs appended since, lets `decide` look at the up to
   * date index, and appends (and fsyncs) the entries it returns before resolving. The index does
   * not learn them: the run that writes them knows its own rows.
   */
  update(decide: (index: RepeatIndex) => LedgerEntry[]): Promise<void>;
}

const SECRET_BYTES = 32;

/**
 * Reads the account's ledger. A ledger that does not exist yet is created only by the first
 * `update` (a dry run, or a run refused before sending, leaves nothing behind); until then payees
 * are keyed with a passing secret, which only compares rows of this run with each other.
 */
export async function openLedger(root: string, account: LedgerAccount, options: OpenLedgerOptions = {}): Promise<Ledger> {
  const dir = accountFolder(root, account);
  const file = join(dir, 'payouts.jsonl');
  let secret = await readSecret(join(dir, 'secret'));
  let created = secret !== undefined;
  secret ??= randomBytes(SECRET_BYTES);
  const index = new RepeatIndex({ source: { read: (position) => readEntryAt(file, position) }, ...(options.since !== undefined ? { since: options.since } : {}), ...(options.hash ? { hash: options.hash } : {}) });
  const tail = { offset: 0, endsWithNewline: true };
  if (created) await catchUp(file, index, tail, options.onWarning);
  const durable = options.durable ?? true;
  const lockWaitMs = options.lockWaitMs ?? 30_000;
  // One append at a time from this process; other processes are kept out by the lock file.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    dir,
    index,
    payeeKey: (payee) => payeeKey(secret!, payee),
    update(decide) {
      const next = queue.then(() => append(decide));
      queue = next.catch(() => undefined);
      return next;
    },
  };

  async function append(decide: (index: RepeatIndex) => LedgerEntry[]): Promise<void> {
    if (!created) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      secret = await readOrCreateSecret(dir); // another run's, if it created the ledger first
      await writeFile(join(dir, 'account.json'), `${JSON.stringify(account)}\n`, { flag: 'wx', mode: 0o600 }).catch(ignoreExists);
      created = true;
    }
    const lock = await lockWithin(file, lockWaitMs);
    try {
      await catchUp(file, index, tail, options.onWarning);
      const entries = decide(index);
      if (entries.length === 0) return;
      // A run killed mid-append leaves a line without its newline: never glue ours onto it.
      const text = (tail.endsWithNewline ? '' : '\n') + entries.map(formatLedgerEntry).join('');
      const handle = await open(file, 'a', 0o600);
      try {
        await handle.write(text);
        if (durable) await handle.datasync();
        tail.offset = (await handle.stat()).size; // past our lines (and a torn one before them): we hold the lock
      } finally {
        await handle.close();
      }
      if (tail.offset === Buffer.byteLength(text)) await syncDirectory(dir); // the file is new
      tail.endsWithNewline = true;
    } finally {
      await lock.release();
    }
  }
}

/** Reads whole lines from `tail.offset` on, applying each entry; a partial last line is left for later. */
async function catchUp(file: string, index: RepeatIndex, tail: { offset: number; endsWithNewline: boolean }, onWarning?: (m: string) => void): Promise<void> {
  let stream;
  try {
    stream = createReadStream(file, { start: tail.offset, highWaterMark: 1 << 20 });
    await new Promise<void>((resolve, reject) => stream!.once('open', () => resolve()).once('error', reject));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const data: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      const text = data.toString('utf8', start, nl);
      if (text.trim()) {
        const entry = parseLedgerLine(text);
        if (entry) index.apply(entry, tail.offset);
        else onWarning?.(`ledger ${file}: skipping a line that is not a ledger entry (${text.length} characters)`);
      }
      tail.offset += nl + 1 - start;
      start = nl + 1;
    }
    carry = data.subarray(start);
  }
  tail.endsWithNewline = carry.length === 0;
}

/** The entry whose line starts at `position`, read back to confirm a hash match. */
function readEntryAt(file: string, position: number): LedgerEntry {
  const fd = openSync(file, 'r');
  try {
    let bytes = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(bytes.length ? bytes.length : 512);
      const n = readSync(fd, chunk, 0, chunk.length, position + bytes.length);
      bytes = Buffer.concat([bytes, chunk.subarray(0, n)]);
      const nl = bytes.indexOf(10);
      const entry = nl === -1 && n > 0 ? undefined : parseLedgerLine(bytes.toString('utf8', 0, nl === -1 ? bytes.length : nl));
      if (nl !== -1 || n === 0) {
        if (!entry) throw new AbortedError('ledger_changed', `the ledger ${file} changed under this run (no entry at byte ${position} any more): run again`);
        return entry;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The secret is created once, atomically (hard link of a complete file), so two first runs agree on it. */
async function readOrCreateSecret(dir: string): Promise<Buffer> {
  const path = join(dir, 'secret');
  const existing = await readSecret(path);
  if (existing) return existing;
  const temp = join(dir, `secret.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, `${randomBytes(SECRET_BYTES).toString('base64')}\n`, { mode: 0o600, flush: true });
  try {
    await link(temp, path).catch(ignoreExists);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dir);
  const secret = await readSecret(path);
  if (!secret) throw new AbortedError('ledger_unreadable', `the ledger secret ${path} is damaged: move the folder ${dir} aside and run again (a new ledger starts empty)`);
  return secret;
}

async function readSecret(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = Buffer.from(text.trim(), 'base64');
  return secret.length === SECRET_BYTES ? secret : undefined;
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
