import { PayoutsError } from '../errors.js';
import type { ErrorContext, ExitCode } from '../errors.js';

export type JournalErrorCode =
  | 'journal_corrupt' // a line that is not a journal entry (exit 2: nothing is sent)
  | 'journal_unopenable' // missing directory, no permission… (exit 2)
  | 'journal_write_failed' // disk full, I/O error while appending (exit 3: the rerun resumes)
  | 'journal_closed'; // append after close: a bug in the caller (exit 3)

export class JournalError extends PayoutsError {
  override readonly name = 'JournalError';
  declare readonly code: JournalErrorCode;
  /** 1-based line of the journal file the error is about, when it is about one. */
  readonly lineNumber: number | undefined;

  constructor(code: JournalErrorCode, message: string, context: ErrorContext & { path: string }) {
    const exitCode: ExitCode = code === 'journal_corrupt' || code === 'journal_unopenable' ? 2 : 3;
    super(code, message, exitCode, context);
    this.lineNumber = context.line;
  }
}

/** Who holds a journal lock, as written in the lock file. */
export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  command?: string;
  /** /proc/sys/kernel/random/boot_id of the holder's machine (Linux). */
  bootId?: string;
  /** The holder's start time in clock ticks since boot (Linux, /proc/<pid>/stat): tells a reused pid apart. */
  processStart?: string;
}

export class LockError extends PayoutsError {
  override readonly name = 'LockError';
  declare readonly code: 'journal_locked';
  /** The holder as read from the lock file; undefined when the file could not be read. */
  readonly holder: LockHolder | undefined;

  constructor(message: string, path: string, holder: LockHolder | undefined) {
    super('journal_locked', message, 2, { path });
    this.holder = holder;
  }
}
