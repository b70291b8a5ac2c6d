/** milkypay-payouts as a library: what the `run` and `reconcile` commands do, callable from code. */
export { payFile, reconcile } from './library.js';
export type { Delays, PayFileOptions, ProgressUpdate, ReconcileOptions } from './library.js';
export type { BackoffPolicy } from './payout/backoff.js';
export type { Config } from './config.js';
export type { ReconcileReport } from './reconcile/reconcile-journal.js';
export type { RunSummary, CurrencyTotals, InvalidSample, RowSample, RunPlan, SendTotals } from './run/summary.js';
export type { LiveConfirmation, RunStart } from './run/run-options.js';
export type { Account, AccountMode } from './guards/account.js';
export type { Progress } from './run/progress-events.js';
export type { Outcome } from './payout/outcome.js';
export type { ResultRow } from './csv/results.js';
export { OUTCOMES, SUCCESS_OUTCOMES } from './payout/outcome.js';
export { PayoutsError, UsageError, AbortedError, exitCodeOf } from './errors.js';
export type { ExitCode, ErrorContext } from './errors.js';
export { ApiError, isApiError } from './api/api-error.js';
export { InputError } from './csv/input-error.js';
export { ResultsError } from './csv/results.js';
export { JournalError, LockError } from './journal/journal-errors.js';
export { LedgerError } from './ledger/ledger-errors.js';
import type { Sandbox, SandboxOptions } from './sandbox/sandbox-types.js';

export type { Sandbox, SandboxOptions, SandboxCredentials, Faults } from './sandbox/sandbox-types.js';

/** The embedded MilkyPay sandbox on loopback (loaded when first started, not with the library). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return (await import('./sandbox/index.js')).startSandbox(options);
}
