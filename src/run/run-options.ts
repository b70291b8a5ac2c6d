/** What a run is asked to do (the `run` options) and what it is given to do it with. */
import type { ApiClient } from '../api/client-types.js';
import type { Logger } from '../log.js';
import type { RowContext } from '../payout/machine.js';
import type { RunControl } from './run-control.js';
import type { PlanFile } from '../plan/plan-file.js';
import type { RulesBook } from '../rules/index.js';
import type { Account, AccountTarget } from '../guards/account.js';
import type { Gates } from '../guards/gates.js';
import type { Progress } from './progress-events.js';
import type { RepeatSettings } from '../guards/repeat-screen.js';
import type { RunPlan } from './summary.js';
import type { Throttle } from './throttle.js';

export interface RunOptions {
  input: string;
  out?: string;
  journal?: string;
  concurrency: number;
  dryRun: boolean;
  /** false with --no-process. */
  process: boolean;
  waitSeconds?: number;
  delimiter?: ',' | ';' | '\t';
  /** Columns to leave out (`--ignore-column`). */
  ignoreColumns?: string[];
  live: boolean;
  gates: Gates;
  /** Against the embedded sandbox: default file names carry `.sandbox`. */
  sandbox?: boolean;
  /** fsync the journal (default true; the benchmark measures the cost). */
  durable?: boolean;
  /** Waits before retries and between polls; default: the machine's. */
  delays?: Pick<RowContext, 'backoff' | 'pollBackoff'>;
  /** Bind a journal written before bindings existed to this API and account (its rows are then looked up). */
  adoptJournal?: boolean;
  /** The repeat-payee guard (default: on, 3 days, the ledger in the tool's data folder). */
  repeat?: RepeatSettings;
  /** `run --plan`: pay only if the file, account, valid rows, totals and holds match this plan. */
  applyPlan?: { path: string; file: PlanFile };
  /** `plan` (with dryRun): write the plan of this run here. */
  writePlan?: string;
}

/** Shown before a live run pays: what it will send, where, as whom. */
export interface LiveConfirmation {
  account: Account;
  host: string;
  plan: RunPlan;
  /** Invalid rows that will be skipped. */
  invalid: number;
  /** Per currency: the fees as the service rules state them (or that they are not known). */
  fees: Record<string, string>;
  /** `run --plan`: when the reviewed plan was made. */
  planCreatedAt?: string;
}

/** Known once every row is validated, before anything is sent. */
export interface RunStart {
  account: Account;
  host: string;
  input: string;
  rows: number;
  dryRun: boolean;
  plan: RunPlan;
}

export interface RunEnv {
  api: ApiClient;
  rules: RulesBook;
  logger: Logger;
  /** The run's start and finish lines (the report's figures); default `logger`. */
  reportLogger?: Logger;
  /** A payout request failed (it is then tried again, looked up, or the row ends `error`). */
  onRequestFailed?: () => void;
  progress?: Progress;
  control?: RunControl;
  throttle?: Throttle;
  /** Where the requests go and as whom (no secret). */
  target: AccountTarget;
  /** The service-rules cache folder: checked writable before anything is sent. */
  cacheDir?: string;
  /** Asks the API which account and mode these keys are: a live call, never a cached answer. */
  account: () => Promise<Account>;
  /** Told once every row is validated and the gates passed, before anything is sent. */
  onStart?: (start: RunStart) => void;
  /** Asked before a live run sends anything; false cancels (exit 2). Not asked when nothing is to be sent. */
  confirm?: (what: LiveConfirmation) => Promise<boolean>;
}
