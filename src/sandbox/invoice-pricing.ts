/** The money and masking rules of a new invoice. Pure. */
import type { Service } from './catalogue.js';
import { Decimal } from './decimal.js';

const PERCENT = Decimal.of('0.01');

/** `5123817234060000` -> `512381******0000`, as the API shows card numbers. */
export function maskCardNumber(value: string): string {
  if (value.length < 11) return value;
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/** amount × fee_rate% + fee_fix, within fee_min..fee_max when those are set, rounded to the currency. */
export function computeFee(service: Service, amount: Decimal, digits: number): Decimal {
  let fee = amount.mul(service.feeRate).mul(PERCENT).add(service.feeFix);
  if (service.feeMin.isPositive() && fee.compare(service.feeMin) < 0) fee = service.feeMin;
  if (service.feeMax.isPositive() && fee.compare(service.feeMax) > 0) fee = service.feeMax;
  return fee.round(digits);
}
