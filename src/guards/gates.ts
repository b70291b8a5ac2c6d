import { UsageError } from '../errors.js';
import { compareDecimal, isoMinorDigits, isPlainDecimal, Totals } from '../money.js';

/** Safety gates checked after the check of every row, before anything is sent. */
export interface CurrencyAmount {
  /** An ISO 4217 code; `*` (in a `--max-total` cap only) for every currency without a cap of its own. */
  currency: string;
  amount: string;
}

export interface Gates {
  maxTotal: CurrencyAmount[];
  expectCount?: number;
  expectTotal: CurrencyAmount[];
}

/** What the gates are checked against, known once the check has seen every row. */
export interface GateCounts {
  /** The rows this run would send (not held, not settled before), and their totals per currency. */
  sendRows: number;
  send: Totals;
  /** The rows earlier runs of this file settled (its journal), and their totals. */
  settledRows: number;
  settled: Totals;
  /** Valid rows the repeat-payee guard holds: never sent, so in no gate. */
  heldRows: number;
}

const EVERY_CURRENCY = '*';

/** `USD:5000` or `USD:81234.50` -> { currency, amount }; with `anyCurrency`, `*:5000` too. */
export function parseCurrencyAmount(text: string, option: string, opts: { anyCurrency?: boolean } = {}): CurrencyAmount {
  const match = /^([A-Z]{3}|\*):(.+)$/.exec(text.trim());
  if (!match || !isPlainDecimal(match[2]!) || (match[1] === EVERY_CURRENCY && !opts.anyCurrency)) {
    const star = opts.anyCurrency ? `, or ${option} '*:5000.00' for every currency` : '';
    throw new UsageError('bad_option', `${option} ${JSON.stringify(text)} is not CUR:AMOUNT, e.g. ${option} USD:5000.00${star}`);
  }
  if (match[1] !== EVERY_CURRENCY && isoMinorDigits(match[1]!) === undefined) {
    throw new UsageError('bad_option', `${option} ${JSON.stringify(text)}: ${match[1]} is not an ISO 4217 currency code a payout can be in; use one like USD, EUR or JPY`);
  }
  return { currency: match[1]!, amount: match[2]! };
}

/**
 * `--max-total` caps what this run sends: held rows and rows settled before move no money now.
 * Once any cap is given, every currency to send needs one (its own, or `*`). The control totals
 * (`--expect-*`) describe what the file pays: the rows to send plus those its earlier runs settled
 * (so the same command reruns after a stop), never the rows held by the repeat-payee guard.
 */
export function checkGates(gates: Gates, counts: GateCounts): void {
  checkCaps(gates.maxTotal, counts.send);
  const paying = counts.sendRows + counts.settledRows;
  const breakdown = `${counts.sendRows} to send, ${counts.settledRows} settled before${counts.heldRows ? `; ${counts.heldRows} ${counts.heldRows === 1 ? 'row' : 'rows'} held by the repeat-payee guard not counted` : ''}`;
  if (gates.expectCount !== undefined && gates.expectCount !== paying) {
    throw new UsageError(
      'control_count_mismatch',
      `the file pays ${paying} valid rows (${breakdown}) but --expect-count says ${gates.expectCount}; nothing was sent. A truncated or doubled file, rows that failed validation or rows held as repeats (see --dry-run) would explain it`,
    );
  }
  for (const expected of gates.expectTotal) {
    const total = sumOf(counts.send, counts.settled, expected.currency);
    if (compareDecimal(total, expected.amount) !== 0) {
      throw new UsageError(
        'control_total_mismatch',
        `the file's ${expected.currency} rows total ${total} ${expected.currency} (${breakdown}) but --expect-total says ${expected.currency}:${expected.amount}; nothing was sent`,
      );
    }
  }
}

function checkCaps(caps: readonly CurrencyAmount[], send: Totals): void {
  if (caps.length === 0) return;
  const every = caps.filter((c) => c.currency === EVERY_CURRENCY);
  const uncapped: string[] = [];
  for (const [currency, total] of send.entries()) {
    const own = caps.filter((c) => c.currency === currency);
    const applying = own.length ? own : every;
    if (applying.length === 0) uncapped.push(`${total} ${currency}`);
    for (const cap of applying) {
      if (compareDecimal(total, cap.amount) > 0) {
        throw new UsageError(
          'max_total_exceeded',
          `the ${currency} rows this run would send total ${total} ${currency}, above --max-total ${cap.currency}:${cap.amount}; nothing was sent. Check the file, or raise the cap if this is intended`,
        );
      }
    }
  }
  if (uncapped.length) {
    const names = uncapped.map((t) => t.split(' ')[1]!);
    throw new UsageError(
      'max_total_uncapped',
      `this run would send ${uncapped.join(', ')}, and ${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no --max-total cap (given: ${caps.map((c) => `${c.currency}:${c.amount}`).join(', ')}); nothing was sent. ` +
        `Once one currency is capped every currency to send needs a cap: add --max-total ${names[0]}:AMOUNT, or --max-total '*:AMOUNT' to cap every currency`,
    );
  }
}

/** `a + b` in one currency, with its digits. */
function sumOf(a: Totals, b: Totals, currency: string): string {
  const sum = new Totals();
  sum.addMinor(currency, a.minorOf(currency) + b.minorOf(currency));
  return sum.get(currency);
}
