/** The API document's response shapes, built from the sandbox's records. Money stays Decimal. */
import { withinLimits, type Offer, type Service } from './catalogue.js';
import { ACCOUNT, METHODS, type MethodDef } from './catalogue-fields.js';
import type { Decimal } from './decimal.js';
import type { InvoiceRecord } from './invoices.js';

export function serviceResource(service: Service, testMode: boolean): object {
  const { spec } = service;
  return {
    type: 'payout-services',
    id: service.id,
    attributes: {
      service: spec.code,
      service_method: spec.method,
      service_currency: spec.currency,
      available: spec.available,
      active: spec.active,
      enabled: spec.enabled,
      amount_min: service.amountMin,
      amount_max: service.amountMax,
      fee_min: service.feeMin,
      fee_max: service.feeMax,
      fee_rate: service.feeRate,
      fee_fix: service.feeFix,
      currency: spec.currency,
      test_mode: testMode,
    },
    relationships: {
      'payout-method': { data: { type: 'payout-methods', id: spec.method } },
      'payout-service': { data: { type: 'payout-services', id: spec.code } },
    },
    links: { self: `/api/payout-services/${service.id}` },
  };
}

/** `data` of `/payout-prerequest`: the services offered for `currency` that admit `amount` (all when absent). */
export function prerequestData(currency: string, amount: Decimal | undefined, offers: readonly Offer[], testMode: boolean): object {
  const services: Record<string, object> = {};
  const methods: Record<string, MethodDef> = {};
  for (const offer of offers) {
    if (amount && !withinLimits(offer, amount)) continue;
    const { service, rate } = offer;
    const { spec } = service;
    services[spec.code] = {
      code: spec.code,
      method: spec.method,
      currency: spec.currency,
      fields: spec.fields,
      amount_min: service.amountMin,
      amount_max: service.amountMax,
      exchange_rate: rate,
      amount: amount ? amount.mul(rate).toFixed(service.digits) : null,
    };
    const method = METHODS[spec.method];
    if (method) methods[spec.method] = method;
  }
  return { currency, amount: amount ?? null, test_mode: testMode, services, methods, account: ACCOUNT };
}

export function invoiceResource(r: InvoiceRecord, opts: { callbackLogs: boolean }): object {
  return {
    type: 'payout-invoices',
    id: r.id,
    attributes: {
      serial_number: r.serial,
      status: r.status,
      resolution: r.resolution,
      amount: r.amount,
      payout_amount: r.amount,
      currency: r.currency,
      service_currency: r.service.spec.currency,
      service_amount: r.serviceAmount,
      service_payout_amount: r.serviceAmount,
      reference_id: r.referenceId,
      test_mode: r.testMode,
      description: r.description,
      fee: r.fee,
      writeoff: r.writeoff,
      exchange_rate: r.exchangeRate,
      processed: r.processed,
      processed_amount: r.processedAmount,
      processed_fee: r.processedFee,
      processed_writeoff: r.processedWriteoff,
      metadata: r.metadata,
      created: r.created,
      updated: r.updated,
      fields: r.fields,
      callback_url: r.callbackUrl,
      source: 'merchant_api',
      // The document's list answer leaves the callback logs out; single invoices carry them.
      callback_logs: opts.callbackLogs ? [] : undefined,
    },
    relationships: {
      'payout-service': { data: { type: 'payout-services', id: r.service.spec.code } },
      'payout-method': { data: { type: 'payout-methods', id: r.service.spec.method } },
      customer: { data: r.customerId === null ? null : { type: 'customers', id: r.customerId } },
    },
    links: { self: `/api/payout-invoices/${r.id}` },
  };
}

/** The public API's flat invoice. */
export function publicInvoice(r: InvoiceRecord): object {
  return {
    id: r.id,
    serial_number: r.serial,
    created: r.created,
    status: r.status,
    resolution: r.resolution,
    test_mode: r.testMode,
    currency: r.currency,
    amount: r.amount,
    payout_amount: r.amount,
    service: r.service.spec.code,
    service_amount: r.serviceAmount,
    service_payout_amount: r.serviceAmount,
    service_method: r.service.spec.method,
    service_currency: r.service.spec.currency,
    processed: r.processed,
    processed_amount: r.processedAmount,
  };
}
