/**
 * Merging `/payout-prerequest` (fields, limits, rate per currency) with `/payout-services`
 * (flags and limits of every service of the account). Pure.
 */
import { compareDecimal, expandExponent, isPlainDecimal } from '../money.js';
import type { PayoutService, Prerequest } from './service-lists.js';
import { compileField, type CompiledField } from './regexp.js';
import type { CurrencyRules, ListedService, ServiceRule } from './currency-rules.js';

export function buildCatalogue(list: readonly PayoutService[]): Map<string, ListedService> {
  const catalogue = new Map<string, ListedService>();
  for (const s of list) {
    const seen = catalogue.get(s.service);
    if (!seen) {
      catalogue.set(s.service, {
        code: s.service,
        serviceCurrency: s.serviceCurrency,
        currencies: [s.currency],
        enabled: s.enabled,
        available: s.available,
      });
    } else {
      if (!seen.currencies.includes(s.currency)) seen.currencies.push(s.currency);
      seen.enabled ||= s.enabled;
      seen.available ||= s.available;
    }
  }
  return catalogue;
}

/** The rules for one invoice currency. `compile` lets a run compile each regexp once. */
export function buildCurrencyRules(
  pre: Prerequest,
  list: readonly PayoutService[],
  catalogue: ReadonlyMap<string, ListedService>,
  compile: (rule: Parameters<typeof compileField>[0]) => CompiledField = compileField,
): CurrencyRules {
  const services = new Map<string, ServiceRule>();
  for (const offered of pre.services) {
    const entries = list.filter((s) => s.service === offered.code);
    const entry = entries.find((s) => s.currency === pre.currency) ?? entries[0];
    services.set(offered.code, {
      code: offered.code,
      currency: pre.currency,
      serviceCurrency: entry?.serviceCurrency ?? offered.currency,
      method: offered.method,
      fields: offered.fields.map(compile),
      // Both endpoints give limits; the tighter pair is the one the API will enforce.
      amountMin: tighter(offered.amountMin, entry?.amountMin, 1),
      amountMax: tighter(offered.amountMax, entry?.amountMax, -1),
      exchangeRate: plain(offered.exchangeRate) ?? '1',
      enabled: entry?.enabled ?? false,
      available: entry?.available ?? false,
      known: entry !== undefined,
      fee: entry ? { rate: plain(entry.feeRate) ?? entry.feeRate, fix: plain(entry.feeFix) ?? entry.feeFix, min: plain(entry.feeMin) ?? entry.feeMin, max: plain(entry.feeMax) ?? entry.feeMax } : null,
    });
  }
  return { currency: pre.currency, services, catalogue };
}

/** The larger (`prefer` 1) or smaller (-1) of two limits, ignoring unusable ones. */
function tighter(a: string | undefined, b: string | undefined, prefer: 1 | -1): string | null {
  const x = a === undefined ? undefined : plain(a);
  const y = b === undefined ? undefined : plain(b);
  if (x === undefined) return y ?? null;
  if (y === undefined) return x;
  return compareDecimal(x, y) === prefer ? x : y;
}

/** A limit or rate as a plain decimal (`1e-7` expanded), or undefined when it is not one. */
function plain(s: string): string | undefined {
  const expanded = expandExponent(s.trim());
  return isPlainDecimal(expanded) ? expanded : undefined;
}
