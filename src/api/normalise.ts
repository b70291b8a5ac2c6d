/** Parsed API bodies -> the client's types. Pure. */
import type { z } from 'zod';
import type {
  invoiceResourceSchema,
  payoutServiceResourceSchema,
  prerequestSchema,
  publicInvoiceSchema,
} from './schemas.js';
import type { Invoice, PayoutService, Prerequest } from './client-types.js';

export function toPrerequest(body: z.output<typeof prerequestSchema>): Prerequest {
  const { data } = body;
  return {
    currency: data.currency,
    testMode: data.test_mode,
    services: data.services.map((s) => ({
      code: s.code,
      method: s.method,
      currency: s.currency,
      fields: s.fields.map((f) => ({
        key: f.key,
        type: f.type,
        required: f.required,
        regexp: f.regexp,
        ...(f.label !== undefined ? { label: f.label } : {}),
      })),
      amountMin: s.amount_min,
      amountMax: s.amount_max,
      exchangeRate: s.exchange_rate,
    })),
  };
}

export function toPayoutService(resource: z.output<typeof payoutServiceResourceSchema>): PayoutService {
  const a = resource.attributes;
  return {
    id: resource.id,
    service: a.service,
    serviceMethod: a.service_method,
    serviceCurrency: a.service_currency,
    available: a.available,
    active: a.active,
    enabled: a.enabled,
    amountMin: a.amount_min,
    amountMax: a.amount_max,
    feeMin: a.fee_min,
    feeMax: a.fee_max,
    feeRate: a.fee_rate,
    feeFix: a.fee_fix,
    currency: a.currency,
    testMode: a.test_mode,
  };
}

/** The private JSON:API shape. */
export function toInvoice(resource: z.output<typeof invoiceResourceSchema>): Invoice {
  const a = resource.attributes;
  return {
    id: resource.id,
    referenceId: a.reference_id,
    status: a.status,
    resolution: a.resolution,
    service: resource.relationships.service ?? a.service,
    currency: a.currency,
    amount: a.amount,
    serviceCurrency: a.service_currency,
    serviceAmount: a.service_amount,
    fee: a.fee,
    processedAmount: a.processed_amount,
    testMode: a.test_mode,
    fields: a.fields,
    created: a.created,
    updated: a.updated,
  };
}

/** The public flat shape: no reference id, fee, fields or update time. */
export function toPublicInvoice(body: z.output<typeof publicInvoiceSchema>): Invoice {
  const d = body.data;
  return {
    id: d.id,
    referenceId: null,
    status: d.status,
    resolution: d.resolution,
    service: d.service,
    currency: d.currency,
    amount: d.amount,
    serviceCurrency: d.service_currency,
    serviceAmount: d.service_amount,
    fee: null,
    processedAmount: d.processed_amount,
    testMode: d.test_mode,
    fields: {},
    created: d.created,
    updated: null,
  };
}
