import { PayoutsError, type ExitCode } from '../errors.js';

export type LedgerErrorCode =
  | 'ledger_secret_missing' // entries beside no secret: no payee in them can be recognised
  | 'ledger_secret_unreadable' // a secret that cannot be read, or is not one
  | 'ledger_damaged' // a complete line that is not an entry
  | 'ledger_write_failed' // a short write, a full disk, an I/O error: the entries are not whole on disk
  | 'ledger_unwritable' // the folder cannot be created or written
  | 'ledger_ambiguous' // two ledgers of one account (written under two spellings of the API URL)
  | 'ledger_modes'; // a file or folder others can read or write, that this user cannot tighten

/**
 * A repeat-payee ledger that cannot do its job: the run stops before the batch it covers is sent.
 * Exit 2 when nothing was sent in this run, else 3 (see `afterSending`); the message names the
 * file and the repair.
 */
export class LedgerError extends PayoutsError {
  override readonly name = 'LedgerError';
  declare readonly code: LedgerErrorCode;

  constructor(code: LedgerErrorCode, message: string, path: string, exitCode: ExitCode = 2) {
    super(code, message, exitCode, { path });
  }

  /** The same refusal with the exit code of where the run is: 3 once this run has sent something. */
  afterSending(sent: boolean): LedgerError {
    const next = sent ? ' What this run sent is journaled and recorded in the ledger: rerun the same command once it is repaired.' : ' Nothing was sent in this run.';
    return new LedgerError(this.code, `${this.message}${next}`, this.context.path ?? '', sent ? 3 : 2);
  }
}

/** What a system error on the ledger asks of the operator. */
const FIXES: Record<string, string> = {
  ENOSPC: 'free space on the disk that holds it',
  EDQUOT: 'free space (the disk quota is used up where it is)',
  EFBIG: 'raise the file size limit (ulimit -f)',
  EROFS: 'it is on a read-only file system: mount it writable',
  EACCES: 'fix the permissions of the ledger folder (owned by this user, mode 0700)',
  EPERM: 'fix the permissions of the ledger folder (owned by this user, mode 0700)',
};

/** The ledger could not be written whole (ENOSPC, EIO, a short write): nothing of that batch may be sent. */
export function ledgerWriteFailed(file: string, error: unknown): LedgerError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const what = error instanceof Error ? error.message : String(error);
  const fix = (code && FIXES[code]) ?? 'check the disk that holds it';
  return new LedgerError(
    'ledger_write_failed',
    `could not record the batch in the repeat-payee ledger ${file} (${what}), so its rows were not sent: ${fix}, ` +
      `or set MILKYPAY_LEDGER_DIR to persistent storage with room (moving the ledger folder there), then run again`,
    file,
  );
}

/** The ledger folder cannot be created or written: found before anything is sent, in a dry run too. */
export function ledgerUnwritable(dir: string, why: string): LedgerError {
  return new LedgerError(
    'ledger_unwritable',
    `the repeat-payee ledger folder ${dir} cannot be created or written: ${why}. Nothing was sent. ` +
      `Set MILKYPAY_LEDGER_DIR to a persistent folder this user can write (moving the ledger there if it has one), or fix that path, then run again`,
    dir,
  );
}
