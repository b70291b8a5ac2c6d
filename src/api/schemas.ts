/**
 * zod schemas of every body the API sends. Lenient about extra keys (zod strips them) and
 * about fields the doc shows as null; strict about what the tool relies on: ids, statuses,
 * reference ids and amounts.
 */
import * as z from 'zod';
import { isSignedDecimal, numberToDecimal } from '../money.js';

/** An amount as a JSON number (or a decimal string, as `amount` in pre-request services) -> exact decimal string. */
export const money = z
  .union([z.number().refine(Number.isFinite), z.string().refine(isSignedDecimal, 'expected a decimal')])
  .transform((v) => (typeof v === 'number' ? numberToDecimal(v) : v));

const optionalMoney = money.nullish().transform((v) => v ?? null);
const nullableString = z.string().nullish().transform((v) => v ?? null);
const timestamp = z.number().nullish().transform((v) => v ?? null);
const id = z.string().min(1);

/** Field values as returned (masked by the API); scalars other than strings are kept as text. */
const fieldValues = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .nullish()
  .transform((rec) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec ?? {})) if (v !== null) out[k] = String(v);
    return out;
  });

/** PHP encodes an empty map as `[]`; accept both for keyed collections. */
function keyedCollection<T extends z.ZodType>(item: T) {
  return z.union([z.record(z.string(), item), z.array(item)]).transform((c) => (Array.isArray(c) ? c : Object.values(c)));
}

// ---- /payout-prerequest ----

const localisedText = z
  .union([z.string(), z.record(z.string(), z.string().nullable())])
  .nullish()
  .transform((v) => {
    if (v == null || typeof v === 'string') return v ?? undefined;
    return v['en'] ?? Object.values(v).find((s): s is string => typeof s === 'string') ?? undefined;
  });

export const fieldRuleSchema = z.object({
  key: id,
  type: z.string().nullish().transform((v) => v ?? 'string'),
  required: z.boolean().nullish().transform((v) => v ?? false),
  regexp: nullableString,
  label: localisedText,
});

export const prerequestServiceSchema = z.object({
  code: id,
  method: z.string(),
  currency: z.string(),
  fields: keyedCollection(fieldRuleSchema).nullish().transform((v) => v ?? []),
  amount_min: money,
  amount_max: money,
  exchange_rate: money,
});

export const prerequestSchema = z.object({
  data: z.object({
    currency: z.string(),
    test_mode: z.boolean(),
    services: keyedCollection(prerequestServiceSchema).nullish().transform((v) => v ?? []),
  }),
});

// ---- /payout-services ----

export const payoutServiceResourceSchema = z.object({
  id,
  attributes: z.object({
    service: id,
    service_method: z.string(),
    service_currency: z.string(),
    available: z.boolean(),
    active: z.boolean(),
    enabled: z.boolean(),
    amount_min: money,
    amount_max: money,
    fee_min: money,
    fee_max: money,
    fee_rate: money,
    fee_fix: money,
    currency: z.string(),
    test_mode: z.boolean(),
  }),
});

export const payoutServicesPageSchema = z.object({
  meta: z.object({
    total: z.number().int().nonnegative(),
    pages: z.number().int().nonnegative(),
    page: z.number().int().positive(),
  }),
  data: z.array(payoutServiceResourceSchema),
});

export const payoutServiceSchema = z.object({ data: payoutServiceResourceSchema });

// ---- /payout-invoices ----

const relationshipId = z
  .object({ data: z.object({ id: z.string() }).nullish() })
  .nullish()
  .transform((r) => r?.data?.id ?? null);

/** The private JSON:API resource of an invoice. */
export const invoiceResourceSchema = z.object({
  id,
  attributes: z.object({
    status: z.string().min(1),
    resolution: nullableString,
    currency: z.string(),
    amount: money,
    service_currency: nullableString,
    service_amount: optionalMoney,
    fee: optionalMoney,
    processed_amount: optionalMoney,
    reference_id: id,
    /** Not in the doc's private shape (it names the service in `relationships`), but tolerated. */
    service: nullableString,
    test_mode: z.boolean(),
    fields: fieldValues,
    created: timestamp,
    updated: timestamp,
  }),
  relationships: z
    .object({ 'payout-service': relationshipId })
    .nullish()
    .transform((r) => ({ service: r?.['payout-service'] ?? null })),
});

export const invoiceSchema = z.object({ data: invoiceResourceSchema });

/** The public API's flat invoice. */
export const publicInvoiceSchema = z.object({
  data: z.object({
    id,
    status: z.string().min(1),
    resolution: nullableString,
    test_mode: z.boolean(),
    currency: z.string(),
    amount: money,
    service: nullableString,
    service_amount: optionalMoney,
    service_currency: nullableString,
    processed_amount: optionalMoney,
    created: timestamp,
  }),
});

/** `filter[reference_id]` answers with a list; tolerate a single resource too. */
export const invoiceSearchSchema = z.object({
  data: z.union([z.array(invoiceResourceSchema), invoiceResourceSchema]).transform((d) => (Array.isArray(d) ? d : [d])),
});

export const invoiceListSchema = z.object({
  meta: z
    .object({ after: z.string().nullish() })
    .nullish()
    .transform((m) => ({ after: m?.after ?? null })),
  links: z
    .object({ next: z.string().nullish() })
    .nullish()
    .transform((l) => ({ next: l?.next ?? null })),
  data: z.array(invoiceResourceSchema),
});

// ---- error bodies ----

const errorText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v == null ? undefined : String(v)));

export const errorBodySchema = z.object({
  errors: z.union([
    z.array(z.object({ status: errorText, code: errorText, title: errorText, detail: errorText })),
    z.record(z.string(), z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v.join(' ') : v))),
  ]),
});
