/**
 * The one user-facing error type. Commands throw it; only `cli.ts` turns it into an exit code.
 * `code` is stable for scripts; the message says what happened and what to do next.
 */
export type ExitCode = 0 | 1 | 2 | 3;

export interface ErrorContext {
  line?: number;
  column?: string;
  referenceId?: string;
  status?: number;
  path?: string;
  variable?: string;
}

export class PayoutsError extends Error {
  override readonly name: string = 'PayoutsError';
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly context: ErrorContext;

  constructor(code: string, message: string, exitCode: ExitCode = 2, context: ErrorContext = {}) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
    this.context = context;
  }
}

/** Usage, configuration or input problems found before anything is sent. */
export class UsageError extends PayoutsError {
  override readonly name = 'UsageError';
  constructor(code: string, message: string, context: ErrorContext = {}) {
    super(code, message, 2, context);
  }
}

/** The run stopped part-way (auth failure, a dead API, a signal); a rerun resumes. */
export class AbortedError extends PayoutsError {
  override readonly name = 'AbortedError';
  constructor(code: string, message: string, context: ErrorContext = {}) {
    super(code, message, 3, context);
  }
}

/** Anything with a numeric exitCode (errors of other modules follow the same shape). */
export function exitCodeOf(error: unknown): ExitCode | undefined {
  if (error instanceof PayoutsError) return error.exitCode;
  if (typeof error === 'object' && error !== null && 'exitCode' in error) {
    const code = (error as { exitCode: unknown }).exitCode;
    if (code === 1 || code === 2 || code === 3) return code;
  }
  return undefined;
}


/** Fixes for system errors a user's set-up causes: a path that is missing, read-only or full, a port in use. */
const SYSTEM_FIXES: Record<string, (where: string) => string> = {
  ENOENT: (where) => `${where} does not exist (or its folder does not): create the folder, or choose another path (--journal, --out)`,
  EACCES: (where) => `no permission to write ${where}: choose a folder you can write to (--journal, --out), or fix its permissions`,
  EPERM: (where) => `no permission to write ${where}: choose a folder you can write to (--journal, --out), or fix its permissions`,
  EROFS: (where) => `${where} is on a read-only file system: choose a folder you can write to (--journal, --out)`,
  ENOSPC: (where) => `no space left on the disk holding ${where}: free some space, or choose a folder on another disk (--journal, --out)`,
  EFBIG: (where) => `${where} cannot grow: the file size limit (ulimit -f) is reached; raise it, or choose another path (--journal, --out)`,
  EDQUOT: (where) => `the disk quota is used up where ${where} is: free some space, or choose another folder (--journal, --out)`,
  EISDIR: (where) => `${where} is a folder: name a file`,
  ENOTDIR: (where) => `a part of ${where} is a file, not a folder: check the path`,
  EADDRINUSE: (where) => `${where} is already in use by another program: choose another --port (0 picks a free one)`,
  EADDRNOTAVAIL: (where) => `${where} is not an address of this machine: choose another --host`,
};

/** The fix for a system error (ENOSPC, EACCES…) on `where`, or undefined when it is not a set-up mistake. */
export function systemFix(error: unknown, where: string): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? SYSTEM_FIXES[code]?.(where) : undefined;
}

/** A system error on a path or port the user named, as a usage error (exit 2) naming it and the fix. */
export function userSystemError(error: unknown): UsageError | undefined {
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number; dest?: string };
  if (typeof e !== 'object' || e === null || typeof e.code !== 'string') return undefined;
  const fix = SYSTEM_FIXES[e.code];
  const where = e.path ?? (e.port !== undefined ? `${e.address ?? 'port'}:${e.port}` : undefined);
  if (!fix || where === undefined) return undefined;
  return new UsageError(e.code.toLowerCase(), fix(where), e.path ? { path: e.path } : {});
}
