import { UsageError } from '../errors.js';
import { compareDecimal, isoMinorDigits, isPlainDecimal, type Totals } from '../money.js';

/** Safety gates checked after the first pass, before anything is sent. */
export interface CurrencyAmount {
  currency: string;
  amount: string;
}

export interface Gates {
  maxTotal: CurrencyAmount[];
  expectCount?: number;
  expectTotal: CurrencyAmount[];
}

/** `USD:5000` or `USD:81234.50` -> { currency, amount }. */
export function parseCurrencyAmount(text: string, option: string): CurrencyAmount {
  const match = /^([A-Z]{3}):(.+)$/.exec(text.trim());
  if (!match || !isPlainDecimal(match[2]!)) {
    throw new UsageError('bad_option', `${option} ${JSON.stringify(text)} is not CUR:AMOUNT, e.g. ${option} USD:5000.00`);
  }
  if (isoMinorDigits(match[1]!) === undefined) {
    throw new UsageError('bad_option', `${option} ${JSON.stringify(text)}: ${match[1]} is not an ISO 4217 currency code a payout can be in; use one like USD, EUR or JPY`);
  }
  return { currency: match[1]!, amount: match[2]! };
}

export function checkGates(gates: Gates, validRows: number, totals: Totals): void {
  for (const cap of gates.maxTotal) {
    const total = totals.get(cap.currency);
    if (compareDecimal(total, cap.amount) > 0) {
      throw new UsageError(
        'max_total_exceeded',
        `the file's valid ${cap.currency} rows total ${total} ${cap.currency}, above --max-total ${cap.currency}:${cap.amount}; nothing was sent. Check the file, or raise the cap if this is intended`,
      );
    }
  }
  if (gates.expectCount !== undefined && gates.expectCount !== validRows) {
    throw new UsageError(
      'control_count_mismatch',
      `the file has ${validRows} valid rows but --expect-count says ${gates.expectCount}; nothing was sent. A truncated or doubled file, or rows that failed validation (see --dry-run), would explain it`,
    );
  }
  for (const expected of gates.expectTotal) {
    const total = totals.get(expected.currency);
    if (compareDecimal(total, expected.amount) !== 0) {
      throw new UsageError(
        'control_total_mismatch',
        `the file's valid ${expected.currency} rows total ${total} ${expected.currency} but --expect-total says ${expected.currency}:${expected.amount}; nothing was sent`,
      );
    }
  }
}
