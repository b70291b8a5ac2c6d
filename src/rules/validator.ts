/**
 * Validation of a whole file, row by row: duplicate references, the dashboard layout's
 * currency, and the rules of each row's currency (fetched once per currency).
 */
import type { InputRecord } from '../csv/input.js';
import type { CurrencyRules, RulesBook } from './types.js';
import { validateRecord, type ValidationResult } from './validate.js';

export interface Validator {
  validate(rec: InputRecord, layout: 'standard' | 'dashboard'): Promise<ValidationResult>;
}

const CURRENCY = /^[A-Z]{3}$/;

export function createValidator(book: RulesBook): Validator {
  /** reference_id -> the line that used it first. */
  const firstLine = new Map<string, number>();
  /** Settled rules per currency, so most rows need no await on the book. */
  const settled = new Map<string, CurrencyRules>();
  const serviceCurrencies = new Map<string, string | undefined>();

  async function rulesFor(currency: string): Promise<CurrencyRules> {
    const rules = await book.forCurrency(currency);
    settled.set(currency, rules);
    return rules;
  }

  async function dashboardCurrency(service: string): Promise<string | undefined> {
    if (serviceCurrencies.has(service)) return serviceCurrencies.get(service);
    const currency = await book.serviceCurrency(service);
    serviceCurrencies.set(service, currency);
    return currency;
  }

  return {
    async validate(rec: InputRecord, layout: 'standard' | 'dashboard'): Promise<ValidationResult> {
      const ref = rec.cells['reference_id'];
      if (ref !== undefined && ref.trim() !== '') {
        const first = firstLine.get(ref);
        if (first !== undefined && !rec.malformed) {
          return {
            ok: false,
            line: rec.line,
            referenceId: ref,
            errorCode: 'duplicate_reference_id',
            column: 'reference_id',
            message: `line ${rec.line}: reference_id "${ref}" repeats line ${first}; every payout needs its own reference`,
          };
        }
        if (first === undefined) firstLine.set(ref, rec.line);
      }
      if (rec.malformed) return validateRecord(rec, undefined);

      const service = rec.cells['service'];
      let currency = rec.cells['currency'];
      if (layout === 'dashboard' && service !== undefined) {
        currency = serviceCurrencies.has(service) ? serviceCurrencies.get(service) : await dashboardCurrency(service);
      }
      if (currency === undefined || !CURRENCY.test(currency)) {
        return validateRecord(rec, undefined, layout === 'dashboard' ? { layout, ...(currency ? { currency } : {}) } : {});
      }
      const rules = settled.get(currency) ?? (await rulesFor(currency));
      return validateRecord(rec, rules, layout === 'dashboard' ? { layout, currency } : {});
    },
  };
}
