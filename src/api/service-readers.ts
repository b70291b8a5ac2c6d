/** Replies about services: `/payout-services` (pages and one) and the public `/payout-prerequest`. */
import type { FieldRule, Page, PayoutService, Prerequest, PrerequestService } from './client-types.js';
import {
  arrayIn,
  booleanIn,
  collectionIn,
  countIn,
  idIn,
  moneyIn,
  nullableStringIn,
  objectAt,
  path,
  ReplyShapeError,
  stringIn,
} from './reply-reader.js';

export function readServicesPage(body: unknown): Page<PayoutService> {
  const o = objectAt(body, 'body');
  const meta = objectAt(o['meta'], 'meta');
  return {
    items: arrayIn(o, 'data', '', serviceResourceAt),
    page: countIn(meta, 'page', 'meta', 1),
    pages: countIn(meta, 'pages', 'meta', 0),
    total: countIn(meta, 'total', 'meta', 0),
  };
}

export function readService(body: unknown): PayoutService {
  return serviceResourceAt(objectAt(body, 'body')['data'], 'data');
}

function serviceResourceAt(value: unknown, where: string): PayoutService {
  const resource = objectAt(value, where);
  const at = path(where, 'attributes');
  const a = objectAt(resource['attributes'], at);
  return {
    id: idIn(resource, 'id', where),
    service: idIn(a, 'service', at),
    serviceMethod: stringIn(a, 'service_method', at),
    serviceCurrency: stringIn(a, 'service_currency', at),
    available: booleanIn(a, 'available', at),
    active: booleanIn(a, 'active', at),
    enabled: booleanIn(a, 'enabled', at),
    amountMin: moneyIn(a, 'amount_min', at),
    amountMax: moneyIn(a, 'amount_max', at),
    feeMin: moneyIn(a, 'fee_min', at),
    feeMax: moneyIn(a, 'fee_max', at),
    feeRate: moneyIn(a, 'fee_rate', at),
    feeFix: moneyIn(a, 'fee_fix', at),
    currency: stringIn(a, 'currency', at),
    testMode: booleanIn(a, 'test_mode', at),
  };
}

export function readPrerequest(body: unknown): Prerequest {
  const data = objectAt(objectAt(body, 'body')['data'], 'data');
  return {
    currency: stringIn(data, 'currency', 'data'),
    testMode: booleanIn(data, 'test_mode', 'data'),
    services: collectionIn(data, 'services', 'data', prerequestServiceAt),
  };
}

function prerequestServiceAt(value: unknown, where: string): PrerequestService {
  const s = objectAt(value, where);
  return {
    code: idIn(s, 'code', where),
    method: stringIn(s, 'method', where),
    currency: stringIn(s, 'currency', where),
    fields: collectionIn(s, 'fields', where, fieldRuleAt),
    amountMin: moneyIn(s, 'amount_min', where),
    amountMax: moneyIn(s, 'amount_max', where),
    exchangeRate: moneyIn(s, 'exchange_rate', where),
  };
}

function fieldRuleAt(value: unknown, where: string): FieldRule {
  const f = objectAt(value, where);
  const type = nullableStringIn(f, 'type', where);
  const required = f['required'] === null || f['required'] === undefined ? false : booleanIn(f, 'required', where);
  const label = localisedText(f['label'], path(where, 'label'));
  return {
    key: idIn(f, 'key', where),
    type: type ?? 'string',
    required,
    regexp: nullableStringIn(f, 'regexp', where),
    ...(label !== undefined ? { label } : {}),
  };
}

/** A label as text, or per language (`{"en": …}`): English, else the first language given. */
function localisedText(value: unknown, where: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  const byLanguage = objectAt(value, where);
  let first: string | undefined;
  for (const language in byLanguage) {
    const text = byLanguage[language];
    if (text !== null && typeof text !== 'string') throw new ReplyShapeError(path(where, language), 'a string or null');
    first ??= text ?? undefined;
  }
  const english = byLanguage['en'];
  return typeof english === 'string' ? english : first;
}
