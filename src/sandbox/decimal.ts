/**
 * Exact decimals for the sandbox's money: a bigint of units and a scale (10.55 = 1055n × 10^-2).
 * The sandbox parses as the API does (exponents, signs) and rounds fees, with its own code: it is
 * the referee the product's money.ts is tested against, so it shares none of it.
 */
import currencyCodes from 'currency-codes';

const PLAIN = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const MAX_EXPONENT = 400;
const POW10: bigint[] = [];

function pow10(n: number): bigint {
  if (n < 64) return (POW10[n] ??= 10n ** BigInt(n));
  return 10n ** BigInt(n);
}

export class Decimal {
  static readonly ZERO = new Decimal(0n, 0);

  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  /** A JSON number literal or plain decimal text; undefined when it is not one. */
  static parse(text: string): Decimal | undefined {
    if (text.length > 200) return undefined;
    const m = PLAIN.exec(text);
    if (!m) return undefined;
    const [, sign, whole = '', frac = '', exp] = m;
    const exponent = exp === undefined ? 0 : Number(exp);
    if (Math.abs(exponent) > MAX_EXPONENT) return undefined;
    let units = BigInt(whole + frac);
    let scale = frac.length - exponent;
    if (scale < 0) {
      units *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(sign === '-' ? -units : units, scale);
  }

  /** Like parse, for text known to be valid (catalogue constants). */
  static of(text: string): Decimal {
    const d = Decimal.parse(text);
    if (!d) throw new Error(`not a decimal: ${text}`);
    return d;
  }

  static fromMinor(minor: bigint, digits: number): Decimal {
    return new Decimal(minor, digits);
  }

  private unitsAt(scale: number): bigint {
    return this.units * pow10(scale - this.scale);
  }

  compare(other: Decimal): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const a = this.unitsAt(scale);
    const b = other.unitsAt(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  add(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.unitsAt(scale) + other.unitsAt(scale), scale);
  }

  mul(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  /** Exact minor units at `digits`, or undefined when the value has more decimals than that. */
  toMinor(digits: number): bigint | undefined {
    if (this.scale <= digits) return this.unitsAt(digits);
    const divisor = pow10(this.scale - digits);
    return this.units % divisor === 0n ? this.units / divisor : undefined;
  }

  /** Rounded half away from zero to `digits` decimals. */
  round(digits: number): Decimal {
    if (this.scale <= digits) return new Decimal(this.unitsAt(digits), digits);
    const divisor = pow10(this.scale - digits);
    const abs = this.units < 0n ? -this.units : this.units;
    let q = abs / divisor;
    if ((abs % divisor) * 2n >= divisor) q += 1n;
    return new Decimal(this.units < 0n ? -q : q, digits);
  }

  isPositive(): boolean {
    return this.units > 0n;
  }

  /** Shortest form, as a JSON number literal: `10`, `0.01`, `10.5`. */
  toString(): string {
    let { units, scale } = this;
    while (scale > 0 && units % 10n === 0n) {
      units /= 10n;
      scale -= 1;
    }
    return decimalToString({ units, scale });
  }

  /** Exactly `digits` decimals (rounded half away from zero): `10.00`. */
  toFixed(digits: number): string {
    return decimalToString(this.round(digits));
  }
}

const ISO_DIGITS: ReadonlyMap<string, number> = new Map(currencyCodes.data.map((c) => [c.code, c.digits]));

/** ISO 4217 minor digits (USD 2, JPY 0, KWD 3, HUF 2), as the API counts them; undefined for a code ISO 4217 does not list. */
export function currencyDigits(currency: string): number | undefined {
  return ISO_DIGITS.get(currency);
}

/** 1055n at scale 2 -> `10.55`; -5n at scale 3 -> `-0.005`. */
function decimalToString({ units, scale }: { units: bigint; scale: number }): string {
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  return `${units < 0n ? '-' : ''}${whole}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''}`;
}
