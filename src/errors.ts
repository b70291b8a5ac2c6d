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

