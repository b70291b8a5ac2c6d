/**
 * Money at the edge of the API: JSON numbers in, exact decimal strings out, and decimal
 * strings back out as JSON number literals with exactly their digits.
 */

/** A plain decimal as we accept it from callers: digits, optionally `.` and more digits. */
const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;

/** A decimal string as the API may send it in place of a number. */
const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;

export function isPlainDecimal(s: string): boolean {
  return PLAIN_DECIMAL.test(s);
}

export function isSignedDecimal(s: string): boolean {
  return SIGNED_DECIMAL.test(s);
}

/**
 * The exact decimal a parsed JSON number stands for, in plain notation.
 * `String(n)` is the shortest string that round-trips; only its exponent form needs expanding.
 */
export function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  if (Object.is(n, -0)) return '0';
  const s = String(n);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!match) return s;
  const [, sign = '', intPart = '', fracPart = '', expText = '0'] = match;
  const digits = intPart + fracPart;
  const point = intPart.length + Number(expText); // position of the decimal point in `digits`
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + stripLeadingZeros(out);
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

function stripLeadingZeros(s: string): string {
  return s.replace(/^0+(?=\d)/, '');
}
