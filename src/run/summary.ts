import type { ExitCode } from '../errors.js';
import { addDecimal, formatMinor, isPlainDecimal, toMinor, Totals } from '../money.js';
import { OUTCOMES, SUCCESS_OUTCOMES, type Outcome } from '../payout/outcome.js';

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

export interface RunSummary {
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
  ignoredColumns: string[];
}

const INVALID_SAMPLE = 20;

/** Counts and exact totals as rows finish. */
export class SummaryBuilder {
  readonly counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  readonly requestedTotals = new Totals();
  private readonly processed = new Totals();
  private readonly fees = new Map<string, string>();
  private readonly rowsByCurrency = new Map<string, number>();
  readonly invalid: InvalidSample[] = [];
  rows = 0;

  addValid(currency: string, amount: string): void {
    this.requestedTotals.add(currency, amount);
    this.rowsByCurrency.set(currency, (this.rowsByCurrency.get(currency) ?? 0) + 1);
  }

  addOutcome(outcome: Outcome, row: { currency?: string; amount?: string; fee?: string | null }): void {
    this.rows += 1;
    this.counts[outcome] += 1;
    if (outcome === 'processed' && row.currency && row.amount) this.processed.add(row.currency, row.amount);
    if (row.currency && row.fee && isPlainDecimal(row.fee)) {
      this.fees.set(row.currency, addDecimal(this.fees.get(row.currency) ?? '0', row.fee));
    }
  }

  addInvalid(sample: InvalidSample): void {
    if (this.invalid.length < INVALID_SAMPLE) this.invalid.push(sample);
  }

  totals(): CurrencyTotals[] {
    return this.requestedTotals.entries().map(([currency, requested]) => ({
      currency,
      rows: this.rowsByCurrency.get(currency) ?? 0,
      requested,
      processed: this.processed.get(currency),
      fees: currencyDigits(this.fees.get(currency) ?? '0', currency),
    }));
  }

  exitCode(stopped: boolean): ExitCode {
    if (stopped) return 3;
    return OUTCOMES.every((o) => this.counts[o] === 0 || SUCCESS_OUTCOMES.has(o)) ? 0 : 1;
  }
}

/** `0` USD as `0.00`; a sum with more digits than the currency has is shown as it is. */
function currencyDigits(amount: string, currency: string): string {
  try {
    return formatMinor(toMinor(amount, currency), currency);
  } catch {
    return amount;
  }
}
