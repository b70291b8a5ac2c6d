/**
 * Exact money: decimal strings <-> integer minor units (bigint). Never a binary float.
 * A "plain decimal" is digits with an optional `.` and more digits: `123`, `123.45`, `0.5`
 * (no sign, exponent, thousands separator, decimal comma or spaces).
 */
import currencyCodes from 'currency-codes';

export interface Decimal {
  /** The digits without the point: `12.50` -> 1250n. */
  units: bigint;
  /** Digits after the point: `12.50` -> 2. */
  scale: number;
}

const PLAIN_DECIMAL = /^\d+(?:\.\d+)?$/;

/**
 * ISO 4217 codes whose minor unit is "N.A." (precious metals, bond-market units, SDR, testing,
 * "no currency"): not money a payout can be made in. The table gives them 0 digits; they are left out.
 */
const NO_MINOR_UNIT = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

/** code -> minor digits, from the ISO 4217 table (a data table: no file or socket is touched). */
const ISO_DIGITS: ReadonlyMap<string, number> = new Map(
  currencyCodes.data.filter((c) => !NO_MINOR_UNIT.has(c.code)).map((c) => [c.code, c.digits]),
);

/**
 * ISO 4217 minor digits (USD 2, JPY 0, KWD 3, PKR 2, IQD 3), or undefined for a code that is not
 * an ISO 4217 currency. From the ISO table, not `Intl`: CLDR's display digits differ (PKR, IDR,
 * HUF and COP show 0 digits, IQD 0) and would refuse amounts the currency has.
 */
export function isoMinorDigits(currency: string): number | undefined {
  return ISO_DIGITS.get(currency);
}

/** `isoMinorDigits`, throwing a RangeError for a code ISO 4217 does not list. */
export function minorDigits(currency: string): number {
  const digits = ISO_DIGITS.get(currency);
  if (digits === undefined) throw new RangeError(`not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  return digits;
}

/** Why `currency` (not an ISO 4217 currency) cannot be paid out; undefined when it can. */
export function currencyProblem(currency: string): string | undefined {
  if (ISO_DIGITS.has(currency)) return undefined;
  if (NO_MINOR_UNIT.has(currency)) return `${currency} is an ISO 4217 code for a precious metal, fund or test unit, not a currency a payout can be made in`;
  return `"${currency}" is not an ISO 4217 currency code`;
}

export function isPlainDecimal(s: string): boolean {
  return PLAIN_DECIMAL.test(s);
}

export function parseDecimal(s: string): Decimal | undefined {
  if (!PLAIN_DECIMAL.test(s)) return undefined;
  const point = s.indexOf('.');
  if (point === -1) return { units: BigInt(s), scale: 0 };
  return { units: BigInt(s.slice(0, point) + s.slice(point + 1)), scale: s.length - point - 1 };
}

/** The decimal at its own scale: `{units: 1250n, scale: 2}` -> `12.50`. */
export function decimalToString(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString();
  if (d.scale === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(d.scale + 1, '0');
  const cut = padded.length - d.scale;
  return `${negative ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/** `007.5` -> `7.5`, `000` -> `0`: the integer part without redundant leading zeros. */
function stripLeadingZeros(s: string): string {
  return s.replace(/^0+(?=\d)/, '');
}

/**
 * The amount with no leading zeros and no trailing fractional zeros, so `10.50` and `10.5` are
 * the same amount. It does not check its input: a signed or odd amount an API reply carries is
 * compared as it is.
 */
export function canonicalAmount(amount: string): string {
  if (!amount.includes('.')) return stripLeadingZeros(amount);
  return stripLeadingZeros(amount.replace(/0+$/, '').replace(/\.$/, ''));
}

/**
 * A plain decimal with exactly `digits` places and no leading zeros (`0010.5`, 2 -> `10.50`),
 * for a plain decimal known to have at most `digits` places.
 */
export function withDigits(amount: string, digits: number): string {
  const point = amount.indexOf('.');
  let s = amount;
  if (s.charCodeAt(0) === 48 && s.length > 1 && s.charCodeAt(1) !== 46) s = stripLeadingZeros(s);
  const scale = point === -1 ? 0 : amount.length - point - 1;
  if (scale === digits) return s;
  return (point === -1 ? `${s}.` : s) + '0'.repeat(digits - scale);
}

/**
 * The API's `0.6` USD as `0.60`: an amount with the currency's digits. An amount the currency
 * cannot hold (more digits, not a plain decimal, not an ISO currency) is returned as it is.
 */
export function withCurrencyDigits(amount: string, currency: string): string {
  try {
    return formatMinor(toMinor(amount, currency), currency);
  } catch {
    return amount;
  }
}

/** A decimal string as the API may send it in place of a number. */
const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;

export function isSignedDecimal(s: string): boolean {
  return SIGNED_DECIMAL.test(s);
}

/**
 * The JSON number literal for a caller's amount: exactly its digits (`"0.10"` -> `0.10`),
 * with redundant leading zeros of the integer part dropped because JSON forbids them.
 * Throws a RangeError for anything that is not a plain decimal.
 */
export function decimalToJsonLiteral(amount: string): string {
  if (!isPlainDecimal(amount)) {
    throw new RangeError(`amount must be a plain decimal like "10.55", got ${JSON.stringify(amount)}`);
  }
  return stripLeadingZeros(amount);
}

/** -1, 0 or 1, comparing two plain decimals by value. Throws a RangeError for anything else. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  mustParse(a);
  mustParse(b);
  return comparePlainDecimals(a, b);
}

/**
 * `compareDecimal` for strings already known to be plain decimals: digit by digit, no
 * allocation and no bigint (it runs for every row of a file).
 */
export function comparePlainDecimals(a: string, b: string): -1 | 0 | 1 {
  const aPoint = a.indexOf('.');
  const bPoint = b.indexOf('.');
  const aEnd = aPoint === -1 ? a.length : aPoint;
  const bEnd = bPoint === -1 ? b.length : bPoint;
  let ai = 0;
  let bi = 0;
  while (ai < aEnd - 1 && a.charCodeAt(ai) === 48) ai++;
  while (bi < bEnd - 1 && b.charCodeAt(bi) === 48) bi++;
  if (aEnd - ai !== bEnd - bi) return aEnd - ai < bEnd - bi ? -1 : 1;
  for (; ai < aEnd; ai++, bi++) {
    const d = a.charCodeAt(ai) - b.charCodeAt(bi);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  // Fractions, a missing digit counting as 0.
  const aLen = a.length - aEnd - 1;
  const bLen = b.length - bEnd - 1;
  for (let k = 0, n = Math.max(aLen, bLen); k < n; k++) {
    const x = k < aLen ? a.charCodeAt(aEnd + 1 + k) : 48;
    const y = k < bLen ? b.charCodeAt(bEnd + 1 + k) : 48;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The exact product in canonical form (`10.5` × `1.08` -> `11.34`). */
export function multiplyDecimal(a: string, b: string): string {
  const x = mustParse(a);
  const y = mustParse(b);
  return decimalToString(trim({ units: x.units * y.units, scale: x.scale + y.scale }));
}

/** The exact sum at the larger of the two scales (`0.1` + `0.25` -> `0.35`). */
export function addDecimal(a: string, b: string): string {
  const x = mustParse(a);
  const y = mustParse(b);
  const [ux, uy] = align(x, y);
  return decimalToString({ units: ux + uy, scale: Math.max(x.scale, y.scale) });
}

/** `12.5` USD -> 1250n. Throws a RangeError for a non-decimal or more digits than the currency has. */
export function toMinor(amount: string, currency: string): bigint {
  const d = mustParse(amount);
  const digits = minorDigits(currency);
  if (d.scale > digits) {
    throw new RangeError(`${currency} allows at most ${digits} decimal places, got ${JSON.stringify(amount)}`);
  }
  return d.units * 10n ** BigInt(digits - d.scale);
}

/** 1250n USD -> `12.50`: always the currency's digits. */
export function formatMinor(minor: bigint, currency: string): string {
  return decimalToString({ units: minor, scale: minorDigits(currency) });
}

/** The exact decimal a JS number stands for (`String(n)` with its exponent form expanded). */
export function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  if (Object.is(n, -0)) return '0';
  return expandExponent(String(n));
}

/** `1.5e-7` -> `0.00000015`, `1e21` -> `1000000000000000000000`; other strings pass through. */
export function expandExponent(s: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/.exec(s);
  if (!match) return s;
  const [, sign = '', intPart = '', fracPart = '', expText = '0'] = match;
  const digits = intPart + fracPart;
  const point = intPart.length + Number(expText);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + stripLeadingZeros(out);
}

/** Per-currency running totals in exact minor units. */
export class Totals {
  private readonly minor = new Map<string, bigint>();

  /** Adds a plain decimal amount; throws like `toMinor` for one the currency cannot hold. */
  add(currency: string, amount: string): void {
    this.addMinor(currency, toMinor(amount, currency));
  }

  addMinor(currency: string, minor: bigint): void {
    this.minor.set(currency, (this.minor.get(currency) ?? 0n) + minor);
  }

  /** The total in minor units (0n for a currency never added). */
  minorOf(currency: string): bigint {
    return this.minor.get(currency) ?? 0n;
  }

  /** The total as an exact decimal string with the currency's digits. */
  get(currency: string): string {
    return formatMinor(this.minorOf(currency), currency);
  }

  get size(): number {
    return this.minor.size;
  }

  /** `[currency, amount]` pairs sorted by currency, amounts exact (`["USD", "12.50"]`). */
  entries(): Array<[currency: string, amount: string]> {
    return [...this.minor.keys()].sort().map((c) => [c, this.get(c)]);
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.entries());
  }
}

function mustParse(s: string): Decimal {
  const d = parseDecimal(s);
  if (!d) throw new RangeError(`not a plain decimal: ${JSON.stringify(s)}`);
  return d;
}

function trim(d: Decimal): Decimal {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

function align(x: Decimal, y: Decimal): [bigint, bigint] {
  if (x.scale === y.scale) return [x.units, y.units];
  if (x.scale > y.scale) return [x.units, y.units * 10n ** BigInt(x.scale - y.scale)];
  return [x.units * 10n ** BigInt(y.scale - x.scale), y.units];
}
