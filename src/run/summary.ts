import type { ExitCode } from '../errors.js';
import { addDecimal, isPlainDecimal, Totals, withCurrencyDigits } from '../money.js';
import { INCOMPLETE_OUTCOMES, OUTCOMES, SUCCESS_OUTCOMES, type Outcome } from '../payout/outcome.js';
import type { ResultRow } from '../payout/result-row.js';
import type { Logger } from '../log.js';
import type { RunControl } from './run-control.js';
import type { Account } from '../guards/account.js';
import type { RunTimes } from './run-clock.js';
import type { GateCounts } from '../guards/gates.js';

export interface CurrencyTotals {
  currency: string;
  /** Valid rows in this currency and what they ask to pay. */
  rows: number;
  requested: string;
  /** Rows that ended `processed`, and their amount. */
  processed: string;
  /** Fees of every invoice the API reported (any outcome). */
  fees: string;
}

export interface InvalidSample {
  line: number;
  reference_id: string;
  column?: string;
  error_code: string;
  message: string;
}

/** A row that needs a person or a rerun (`failed`, `conflict`, `rejected`, `partial`, `error`). */
export interface RowSample {
  line: number;
  reference_id: string;
  outcome: Outcome;
  invoice_id?: string;
  error_code?: string;
  message: string;
}

/** What the rows left to send add up to, per currency. */
export interface SendTotals {
  currency: string;
  rows: number;
  amount: string;
}

/** Known before anything is sent: what the journal holds as settled, and what is left to send. */
export interface RunPlan {
  /** Valid rows this run sends (or, in a dry run, would send). */
  send: number;
  /** Valid rows an earlier run settled (final or submitted in the journal): no request. */
  settled: number;
  totals: SendTotals[];
}

/** A row the repeat-payee guard held (nothing was sent for it). */
export interface HeldSample {
  line: number;
  reference_id: string;
  message: string;
}

/** `version`, `runId`, `startedAt`, `finishedAt`, `durationMs`, `requests`: set by `payFile` and every `run --json`. */
export interface RunSummary extends Partial<RunTimes> {
  /** The API, account and mode the run used (asked of the API, never from a cache). */
  account?: Account;
  input: string;
  results: string;
  journal?: string;
  dryRun: boolean;
  rows: number;
  counts: Record<Outcome, number>;
  totals: CurrencyTotals[];
  exitCode: ExitCode;
  stopped?: { code: string; message: string };
  invalid: InvalidSample[];
  plan: RunPlan;
  /** Rows this run sent requests for (0 in a dry run). */
  sent: number;
  /** The first rows that need a person or a rerun, with the reason; all are in the results CSV. */
  problems: RowSample[];
  ignoredColumns: string[];
  /** The plan this dry run wrote (`plan`), or the plan this run paid (`run --plan`). */
  planFile?: string;
  /** The input file changed during the run: what was checked and paid (the copy read at the start), and what to do. */
  inputChanged?: string;
  /** `--wait`: how long, and how many payouts were still processing (`submitted`) when the time was up. */
  waited?: { seconds: number; stillProcessing: number };
}

const SAMPLE = 20;
/** Outcomes listed in the summary like the invalid rows. */
export const PROBLEM_OUTCOMES: ReadonlySet<string> = new Set(['failed', 'conflict', 'rejected', 'partial', 'error', 'repeat_payee']);

/** Counts and exact totals as rows finish. */
export class SummaryBuilder {
  readonly counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  readonly requestedTotals = new Totals();
  private processed = new Totals();
  private fees = new Map<string, string>();
  private readonly rowsByCurrency = new Map<string, number>();
  readonly invalid: InvalidSample[] = [];
  readonly problems: RowSample[] = [];
  private readonly toSend = new Totals();
  private readonly toSendRows = new Map<string, number>();
  private readonly settledTotals = new Totals();
  settled = 0;
  /** Rows this run sent requests for. */
  sent = 0;
  /** Requests that created or processed a payout in this run: credentials refused after one is exit 3, not 2. */
  moved = 0;
  invalidRows = 0;
  rows = 0;

  /** The services of the rows left to send, per currency (as many as the account has, at most). */
  readonly sendServices = new Map<string, Set<string>>();

  /** A valid row the run will send (not settled by an earlier run). */
  addToSend(currency: string, amount: string, service: string): void {
    this.toSend.add(currency, amount);
    this.toSendRows.set(currency, (this.toSendRows.get(currency) ?? 0) + 1);
    let services = this.sendServices.get(currency);
    if (!services) this.sendServices.set(currency, (services = new Set()));
    services.add(service);
  }

  /** A valid row an earlier run of this file settled (its journal): sent before, not now. */
  addSettled(currency: string, amount: string): void {
    this.settled += 1;
    this.settledTotals.add(currency, amount);
  }

  /** What the gates count: the rows to send, those settled before, and how many rows are held. */
  gateCounts(heldRows: number): GateCounts {
    return { sendRows: this.plan().send, send: this.toSend, settledRows: this.settled, settled: this.settledTotals, heldRows };
  }

  plan(): RunPlan {
    const totals = this.toSend.entries().map(([currency, amount]) => ({ currency, rows: this.toSendRows.get(currency) ?? 0, amount }));
    return { send: totals.reduce((n, t) => n + t.rows, 0), settled: this.settled, totals };
  }

  addValid(currency: string, amount: string): void {
    this.requestedTotals.add(currency, amount);
    this.rowsByCurrency.set(currency, (this.rowsByCurrency.get(currency) ?? 0) + 1);
  }

  addOutcome(outcome: Outcome, row: { line?: number; reference_id?: string; currency?: string; amount?: string; fee?: string | null; invoice_id?: string; status?: string; resolution?: string; error_code?: string; error_message?: string }): void {
    this.rows += 1;
    this.counts[outcome] += 1;
    if (needsPerson(outcome, row.error_code) && this.problems.length < SAMPLE) {
      const r = row;
      this.problems.push({
        line: r.line ?? 0,
        reference_id: r.reference_id ?? '',
        outcome,
        ...(r.invoice_id ? { invoice_id: r.invoice_id } : {}),
        ...(r.error_code ? { error_code: r.error_code } : {}),
        message: r.error_message ?? (r.status ? `status ${r.status}${r.resolution ? `, resolution ${r.resolution}` : ''}` : `row ${outcome}`),
      });
    }
    if (outcome === 'processed' && row.currency && row.amount) this.processed.add(row.currency, row.amount);
    if (row.currency && row.fee && isPlainDecimal(row.fee)) {
      this.fees.set(row.currency, addDecimal(this.fees.get(row.currency) ?? '0', row.fee));
    }
  }

  addInvalid(sample: InvalidSample): void {
    this.invalidRows += 1;
    if (this.invalid.length < SAMPLE) this.invalid.push(sample);
  }

  totals(): CurrencyTotals[] {
    return this.requestedTotals.entries().map(([currency, requested]) => ({
      currency,
      rows: this.rowsByCurrency.get(currency) ?? 0,
      requested,
      processed: this.processed.get(currency),
      fees: withCurrencyDigits(this.fees.get(currency) ?? '0', currency),
    }));
  }

  /** The tally a rerun of this finished run makes: its rows as they ended, none to send, every valid one settled. */
  rerunTally(): RerunTally {
    return {
      counts: { ...this.counts },
      requested: this.requestedTotals.entries(),
      processed: this.processed.entries(),
      fees: [...this.fees],
      rowsByCurrency: [...this.rowsByCurrency],
      invalid: this.invalid,
      problems: this.problems,
      invalidRows: this.invalidRows,
      rows: this.rows,
    };
  }

  /** The builder a rerun of a finished batch ends with, from its tally: the one summary path finishes it. */
  static fromRerunTally(t: RerunTally): SummaryBuilder {
    const b = new SummaryBuilder();
    for (const [currency, amount] of t.requested) {
      b.requestedTotals.add(currency, amount);
      b.settledTotals.add(currency, amount);
    }
    for (const [currency, amount] of t.processed) b.processed.add(currency, amount);
    for (const [currency, fee] of t.fees) b.fees.set(currency, fee);
    for (const [currency, n] of t.rowsByCurrency) b.rowsByCurrency.set(currency, n);
    Object.assign(b.counts, t.counts);
    b.invalid.push(...t.invalid);
    b.problems.push(...t.problems);
    b.invalidRows = t.invalidRows;
    b.rows = t.rows;
    b.settled = t.rows - t.invalidRows;
    return b;
  }

  /**
   * 3 when incomplete (stopped, rows a rerun finishes, or payouts still processing when `--wait`
   * ran out) even if rows also need a person; then 1; else 0. `run` and `reconcile` both decide here.
   */
  exitCode(stopped: boolean, waited = false): ExitCode {
    if (stopped || OUTCOMES.some((o) => this.counts[o] > 0 && INCOMPLETE_OUTCOMES.has(o))) return 3;
    if (waited && this.counts.submitted > 0) return 3;
    return OUTCOMES.every((o) => this.counts[o] === 0 || SUCCESS_OUTCOMES.has(o)) ? 0 : 1;
  }
}

/**
 * What a rerun of a finished batch folds its rows' plans into, every valid row settled, as plain
 * data: the journal's checkpoint keeps it, and `fromRerunTally` gives the rerun its builder back.
 */
export interface RerunTally {
  counts: Record<Outcome, number>;
  requested: Array<[string, string]>;
  processed: Array<[string, string]>;
  fees: Array<[string, string]>;
  rowsByCurrency: Array<[string, number]>;
  invalid: InvalidSample[];
  problems: RowSample[];
  invalidRows: number;
  rows: number;
}

/**
 * Whether a row is listed (and logged) as needing a person: not a row the stop left in flight
 * (`error`, `interrupted`), which the rerun the summary proposes settles; it is counted.
 */
function needsPerson(outcome: Outcome, errorCode: string | undefined): boolean {
  return PROBLEM_OUTCOMES.has(outcome) && !(outcome === 'error' && errorCode === 'interrupted');
}

/** A row that needs a person or a rerun is logged as it ends; the others are only counted. */
export function logIfProblem(log: Logger, row: ResultRow): void {
  if (!needsPerson(row.outcome, row.error_code)) return;
  log.warn({ ref: row.reference_id, line: row.line, outcome: row.outcome, error_code: row.error_code, invoice_id: row.invoice_id }, row.error_message ?? `row ${row.outcome}`);
}

/** Credentials refused before this run created or processed anything: a set-up mistake (exit 2), nothing to resume. */
function refusedBeforeSending(control: RunControl | undefined, summary: SummaryBuilder): boolean {
  return control?.stopReason?.code === 'auth_failed' && summary.moved === 0;
}

/** The run's summary (what `run --json` prints), logged as the run finishes. */
export function finishSummary(
  summary: SummaryBuilder,
  ctx: { account: Account; input: string; results: string; journal: string; dryRun: boolean; ignoredColumns: string[]; log: Logger; control?: RunControl; planFile?: string; waitSeconds?: number },
): RunSummary {
  const stopped = ctx.control?.stopReason;
  const waited = ctx.waitSeconds !== undefined && !ctx.dryRun;
  const out: RunSummary = {
    account: ctx.account,
    input: ctx.input,
    results: ctx.results,
    journal: ctx.journal,
    dryRun: ctx.dryRun,
    rows: summary.rows,
    counts: summary.counts,
    totals: summary.totals(),
    plan: summary.plan(),
    sent: summary.sent,
    exitCode: refusedBeforeSending(ctx.control, summary) ? 2 : summary.exitCode(stopped !== undefined, waited),
    ...(stopped ? { stopped } : {}),
    invalid: summary.invalid,
    problems: summary.problems,
    ignoredColumns: ctx.ignoredColumns,
    ...(ctx.planFile ? { planFile: ctx.planFile } : {}),
    ...(waited ? { waited: { seconds: ctx.waitSeconds!, stillProcessing: summary.counts.submitted } } : {}),
  };
  const counts = Object.fromEntries(Object.entries(out.counts).filter(([, n]) => n > 0));
  ctx.log.info({ counts, totals: out.totals, sent: out.sent, settled: out.plan.settled, exitCode: out.exitCode, stopped }, ctx.dryRun ? 'dry run finished' : 'run finished');
  return out;
}
