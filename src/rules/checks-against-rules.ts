/**
 * The checks of a record against its currency's service rules: the service is offered, the amount
 * is within its limits (in the service's currency), the fields match its patterns. Pure: no I/O.
 */
import { closest } from '../did-you-mean.js';
import { maskValue, isSensitiveField } from '../mask.js';
import { comparePlainDecimals, multiplyDecimal } from '../money.js';
import type { RowHead } from './checks-without-rules.js';
import type { CurrencyRules, ServiceRule } from './currency-rules.js';
import { showInvisible } from './invisible-characters.js';
import { fieldMismatchHint, listSome } from './messages.js';
import type { Problem } from './validation-failure.js';

export function checkService(service: string, currency: string, rule: ServiceRule | undefined, rules: CurrencyRules): Problem | undefined {
  if (rule && !rule.known) {
    return { code: 'unknown_service', message: `service "${service}" is offered for ${currency} but is not on this account's list of payout services; ask MilkyPay support to enable it` };
  }
  const listed = rule ?? rules.catalogue.get(service);
  if (!listed) {
    return { code: 'unknown_service', message: `unknown service "${service}"; services offered for ${currency}: ${listSome([...rules.services.keys()])}` };
  }
  if (!listed.enabled) return { code: 'service_disabled', message: `service "${service}" is disabled on this account; choose another service or ask MilkyPay support` };
  if (!listed.available) return { code: 'service_unavailable', message: `service "${service}" is currently unavailable; try later or choose another service` };
  if (!rule) {
    const where = rules.catalogue.get(service);
    return {
      code: 'currency_not_offered',
      column: 'currency',
      message:
        `service "${service}" is not offered for currency ${currency}` +
        (where ? ` (it pays out in ${where.serviceCurrency}): set the currency column to ${listSome(where.currencies)}, or choose a service offered for ${currency}` : `: check the currency column`),
    };
  }
  return undefined;
}

/** The amount within the service's limits, converted to the service's currency. */
export function checkAmountRange({ service, currency, amount }: RowHead, rule: ServiceRule): Problem | undefined {
  const converted = rule.exchangeRate === '1' ? amount : multiplyDecimal(amount, rule.exchangeRate);
  const below = rule.amountMin !== null && comparePlainDecimals(converted, rule.amountMin) < 0;
  const above = rule.amountMax !== null && comparePlainDecimals(converted, rule.amountMax) > 0;
  if (!below && !above) return undefined;
  const conversion = rule.exchangeRate === '1' && rule.serviceCurrency === currency ? '' : ` (${amount} ${currency} × rate ${rule.exchangeRate} = ${converted} ${rule.serviceCurrency})`;
  return {
    code: 'amount_out_of_range',
    column: 'amount',
    message: `amount ${amount} ${currency}${conversion} is ${below ? 'below' : 'above'} ${service}'s limits ${rule.amountMin ?? '0'}..${rule.amountMax ?? '∞'} ${rule.serviceCurrency}`,
  };
}

export function checkFields(cells: Record<string, string>, rule: ServiceRule): Problem | undefined {
  for (const column in cells) {
    if (!column.startsWith('fields.')) continue;
    if (!hasField(rule, column.slice(7))) {
      return {
        code: 'unknown_field',
        column,
        message: `${column} is not a field of service ${rule.code} (almost always a typo${typoText(column.slice(7), rule)}); the service's fields are: ${rule.fields.map((f) => f.key).join(', ') || '(none)'}`,
      };
    }
  }
  for (const field of rule.fields) {
    const column = field.column;
    const value = cells[column];
    if (value === undefined) {
      if (field.required) return { code: 'missing_field', column, message: `${column} is empty; service ${rule.code} requires it` };
      continue;
    }
    if (field.error !== undefined) {
      return {
        code: 'service_rule_invalid',
        column,
        message: `${column} cannot be checked: the API's regexp for it (${field.source}) does not compile (${field.error}); ask MilkyPay support`,
      };
    }
    if (field.pattern && !field.pattern.test(value)) {
      const shown = showInvisible(isSensitiveField(field.key) ? maskValue(value) : value);
      return { code: 'field_mismatch', column, message: `${column} "${shown}" does not match ${field.source}${fieldMismatchHint(value)}` };
    }
  }
  return undefined;
}

/** `: did you mean fields.account?` for a key within two edits of one of the service's. */
function typoText(key: string, rule: ServiceRule): string {
  const meant = closest(key, rule.fields.map((f) => f.key), 2);
  return meant ? `: did you mean fields.${meant}?` : '';
}

function hasField(rule: ServiceRule, key: string): boolean {
  for (const f of rule.fields) if (f.key === key) return true;
  return false;
}
