/**
 * The invoice replies of the paying path (create, process, read: two or more a row) read without
 * zod when they have the documented shape. `readInvoiceBody` returns exactly what
 * `invoiceSchema.parse` returns for such a body, or undefined for anything else (a missing or
 * mistyped field, an amount that is not a decimal, an odd key): the caller then lets the schema
 * decide, so what is accepted and every error message stay the schema's. The property test in
 * test/api/invoice-reply.test.ts holds the two to the same answer.
 */
import type { z } from 'zod';
import { isSignedDecimal, numberToDecimal } from '../money.js';
import type { invoiceSchema } from './schemas.js';

type InvoiceBody = z.output<typeof invoiceSchema>;
type Resource = InvoiceBody['data'];
type Attributes = Resource['attributes'];

/** Where a key is missing, its value reads as undefined: the same as a JSON null to the schema's `nullish`. */
type Json = Record<string, unknown>;

const NOT_THE_SHAPE = undefined;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `money`: a finite number as its exact decimal, or a decimal string as it is; null when not money. */
function money(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? numberToDecimal(value) : null;
  if (typeof value === 'string' && isSignedDecimal(value)) return value;
  return null;
}

export function readInvoiceBody(json: unknown): InvoiceBody | undefined {
  if (!isObject(json)) return NOT_THE_SHAPE;
  const data = json['data'];
  if (!isObject(data)) return NOT_THE_SHAPE;
  const id = data['id'];
  if (typeof id !== 'string' || id === '') return NOT_THE_SHAPE;
  const attributes = readAttributes(data['attributes']);
  if (!attributes) return NOT_THE_SHAPE;
  const service = relatedService(data['relationships']);
  if (service === undefined) return NOT_THE_SHAPE;
  return { data: { id, attributes, relationships: { service } } };
}

function readAttributes(a: unknown): Attributes | undefined {
  if (!isObject(a)) return NOT_THE_SHAPE;
  const { status, currency, reference_id: referenceId, test_mode: testMode } = a;
  if (typeof status !== 'string' || status === '' || typeof currency !== 'string' || typeof testMode !== 'boolean') return NOT_THE_SHAPE;
  if (typeof referenceId !== 'string' || referenceId === '') return NOT_THE_SHAPE;
  const amount = money(a['amount']);
  if (amount === null) return NOT_THE_SHAPE;
  const resolution = nullableString(a['resolution']);
  const serviceCurrency = nullableString(a['service_currency']);
  const service = nullableString(a['service']);
  const serviceAmount = optionalMoney(a['service_amount']);
  const fee = optionalMoney(a['fee']);
  const processedAmount = optionalMoney(a['processed_amount']);
  const created = timestamp(a['created']);
  const updated = timestamp(a['updated']);
  const fields = fieldValues(a['fields']);
  if (resolution === undefined || serviceCurrency === undefined || service === undefined || serviceAmount === undefined) return NOT_THE_SHAPE;
  if (fee === undefined || processedAmount === undefined || created === undefined || updated === undefined || fields === undefined) return NOT_THE_SHAPE;
  return {
    status,
    resolution,
    currency,
    amount,
    service_currency: serviceCurrency,
    service_amount: serviceAmount,
    fee,
    processed_amount: processedAmount,
    reference_id: referenceId,
    service,
    test_mode: testMode,
    fields,
    created,
    updated,
  };
}

// Each reader: the schema's value, or undefined where the schema would refuse.

function nullableString(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : NOT_THE_SHAPE;
}

function optionalMoney(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  return money(value) ?? NOT_THE_SHAPE;
}

function timestamp(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' && Number.isFinite(value) ? value : NOT_THE_SHAPE;
}

function fieldValues(value: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (value === null || value === undefined) return out;
  if (!isObject(value)) return NOT_THE_SHAPE;
  for (const key in value) {
    if (key === '__proto__' || !Object.hasOwn(value, key)) return NOT_THE_SHAPE; // left to the schema
    const v = value[key];
    if (v === null) continue;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[key] = String(v);
    else return NOT_THE_SHAPE;
  }
  return out;
}

/** `relationships['payout-service'].data.id`, null where the reply names none. */
function relatedService(relationships: unknown): string | null | undefined {
  if (relationships === null || relationships === undefined) return null;
  if (!isObject(relationships)) return NOT_THE_SHAPE;
  const related = relationships['payout-service'];
  if (related === null || related === undefined) return null;
  if (!isObject(related)) return NOT_THE_SHAPE;
  const data = related['data'];
  if (data === null || data === undefined) return null;
  if (!isObject(data) || typeof data['id'] !== 'string') return NOT_THE_SHAPE;
  return data['id'];
}
