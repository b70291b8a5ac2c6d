/** Invoice replies, private (JSON:API) and public (flat), read into the client's `Invoice`. */
import type { Invoice } from './client-types.js';
import {
  arrayIn,
  booleanIn,
  idIn,
  moneyIn,
  nullableMoneyIn,
  nullableObjectAt,
  nullableStringIn,
  objectAt,
  path,
  ReplyShapeError,
  stringIn,
  timestampIn,
  type Fields,
} from './reply-reader.js';

/** `{"data": <invoice resource>}`: a create, a process, a read. */
export function readInvoice(body: unknown): Invoice {
  return invoiceResourceAt(objectAt(body, 'body')['data'], 'data');
}

/** `filter[reference_id]` answers with a list; a single resource is taken too. */
export function readInvoiceSearch(body: unknown): Invoice[] {
  const data = objectAt(body, 'body')['data'];
  return Array.isArray(data) ? data.map((d, i) => invoiceResourceAt(d, `data.${i}`)) : [invoiceResourceAt(data, 'data')];
}

/** A page of `GET /payout-invoices`: its invoices and the cursor of the next page, when there is one. */
export function readInvoiceList(body: unknown): { invoices: Invoice[]; after: string | null; next: string | null } {
  const o = objectAt(body, 'body');
  const meta = nullableObjectAt(o['meta'], 'meta');
  const links = nullableObjectAt(o['links'], 'links');
  return {
    invoices: arrayIn(o, 'data', '', invoiceResourceAt),
    after: meta ? nullableStringIn(meta, 'after', 'meta') : null,
    next: links ? nullableStringIn(links, 'next', 'links') : null,
  };
}

/** The private JSON:API resource of an invoice. */
export function invoiceResourceAt(value: unknown, where: string): Invoice {
  const resource = objectAt(value, where);
  const at = path(where, 'attributes');
  const a = objectAt(resource['attributes'], at);
  return {
    id: idIn(resource, 'id', where),
    referenceId: idIn(a, 'reference_id', at),
    status: idIn(a, 'status', at),
    resolution: nullableStringIn(a, 'resolution', at),
    // Not in the doc's private shape (it names the service in `relationships`), but tolerated.
    service: relatedService(resource['relationships'], path(where, 'relationships')) ?? nullableStringIn(a, 'service', at),
    currency: stringIn(a, 'currency', at),
    amount: moneyIn(a, 'amount', at),
    serviceCurrency: nullableStringIn(a, 'service_currency', at),
    serviceAmount: nullableMoneyIn(a, 'service_amount', at),
    fee: nullableMoneyIn(a, 'fee', at),
    processedAmount: nullableMoneyIn(a, 'processed_amount', at),
    testMode: booleanIn(a, 'test_mode', at),
    fields: fieldValues(a['fields'], path(at, 'fields')),
    created: timestampIn(a, 'created', at),
    updated: timestampIn(a, 'updated', at),
  };
}

/** The public API's flat invoice: no reference id, fee, fields or update time. */
export function readPublicInvoice(body: unknown): Invoice {
  const d = objectAt(objectAt(body, 'body')['data'], 'data');
  return {
    id: idIn(d, 'id', 'data'),
    referenceId: null,
    status: idIn(d, 'status', 'data'),
    resolution: nullableStringIn(d, 'resolution', 'data'),
    service: nullableStringIn(d, 'service', 'data'),
    currency: stringIn(d, 'currency', 'data'),
    amount: moneyIn(d, 'amount', 'data'),
    serviceCurrency: nullableStringIn(d, 'service_currency', 'data'),
    serviceAmount: nullableMoneyIn(d, 'service_amount', 'data'),
    fee: null,
    processedAmount: nullableMoneyIn(d, 'processed_amount', 'data'),
    testMode: booleanIn(d, 'test_mode', 'data'),
    fields: {},
    created: timestampIn(d, 'created', 'data'),
    updated: null,
  };
}

/** `relationships["payout-service"].data.id`, each level optional. */
function relatedService(value: unknown, where: string): string | null {
  const relationships = nullableObjectAt(value, where);
  const service = relationships && nullableObjectAt(relationships['payout-service'], path(where, 'payout-service'));
  const data = service && nullableObjectAt(service['data'], path(where, 'payout-service.data'));
  return data ? stringIn(data, 'id', path(where, 'payout-service.data')) : null;
}

/** Field values as returned (masked by the API); scalars other than strings are kept as text, nulls left out. */
function fieldValues(value: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  const record: Fields | null = nullableObjectAt(value, where);
  if (!record) return out;
  for (const key in record) {
    const v = record[key];
    if (v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ReplyShapeError(path(where, key), 'a string, number, true, false or null');
    out[key] = String(v);
  }
  return out;
}
