import { describe, expect, it } from 'vitest';
import { readInvoice, readInvoiceList, readInvoiceSearch, readPublicInvoice } from '../../src/api/invoice-readers.js';
import { ReplyShapeError } from '../../src/api/reply-reader.js';
import { readPrerequest, readService, readServicesPage } from '../../src/api/service-readers.js';
import { invoiceResource } from './helpers/api-fixtures.js';

/** What a reader throws for `body`: the ReplyShapeError's message, or '' when it reads it. */
function refusal(read: (body: unknown) => unknown, body: unknown): string {
  try {
    read(body);
    return '';
  } catch (error) {
    if (error instanceof ReplyShapeError) return error.message;
    throw error;
  }
}

const invoiceWith = (attributes: Record<string, unknown>) => ({ data: invoiceResource(attributes) });

describe('an invoice reply is read only when every field the tool relies on is there', () => {
  it('reads the doc’s invoice into exact decimals, the service from its relationships', () => {
    expect(readInvoice(invoiceWith({ amount: 10.5, fee: '0.10', service_amount: 12345678901234.5, service: 'ignored' }))).toEqual({
      id: 'cpoi_VdHYVxq4RsLEebAQ',
      referenceId: 'ref-1',
      status: 'created',
      resolution: 'ok',
      service: 'card',
      currency: 'USD',
      amount: '10.5',
      serviceCurrency: 'USD',
      serviceAmount: '12345678901234.5',
      fee: '0.10',
      processedAmount: null,
      testMode: true,
      fields: { card_number: '512381******0000' },
      created: 1597835735,
      updated: 1597835735,
    });
  });

  it.each([
    ['reference_id', undefined, 'data.attributes.reference_id'],
    ['reference_id', '', 'data.attributes.reference_id'],
    ['status', 7, 'data.attributes.status'],
    ['currency', null, 'data.attributes.currency'],
    ['amount', undefined, 'data.attributes.amount'],
    ['amount', '10,5', 'data.attributes.amount'],
    ['amount', '1e3', 'data.attributes.amount'],
    ['amount', true, 'data.attributes.amount'],
    ['fee', 'free', 'data.attributes.fee'],
    ['processed_amount', [], 'data.attributes.processed_amount'],
    ['test_mode', 'true', 'data.attributes.test_mode'],
    ['resolution', 0, 'data.attributes.resolution'],
    ['created', '1597835735', 'data.attributes.created'],
    ['fields', [], 'data.attributes.fields'],
    ['fields', { card: { nested: 1 } }, 'data.attributes.fields.card'],
  ])('refuses %s = %j, naming %s', (key, value, where) => {
    expect(refusal(readInvoice, invoiceWith({ [key]: value }))).toMatch(new RegExp(`^${where.replace(/\./g, '\\.')}: expected`));
  });

  it('refuses a resource without an id, or attributes, or a body that is no object', () => {
    expect(refusal(readInvoice, { data: { ...invoiceResource(), id: '' } })).toMatch(/^data\.id:/);
    expect(refusal(readInvoice, { data: { ...invoiceResource(), attributes: [] } })).toMatch(/^data\.attributes:/);
    expect(refusal(readInvoice, { data: { ...invoiceResource(), relationships: { 'payout-service': { data: { id: 5 } } } } })).toMatch(/^data\.relationships\.payout-service\.data\.id:/);
    expect(refusal(readInvoice, [])).toMatch(/^body:/);
    expect(refusal(readInvoice, { data: null })).toMatch(/^data:/);
  });

  it('takes nulls and absences where the doc shows them, and scalars in fields as text', () => {
    const resource = invoiceResource({ resolution: null, fee: null, service_currency: undefined, created: null, fields: { a: 1, b: false, c: null, d: 'x' } });
    delete (resource as { relationships?: unknown }).relationships;
    expect(readInvoice({ data: resource })).toMatchObject({ resolution: null, fee: null, serviceCurrency: null, service: null, created: null, fields: { a: '1', b: 'false', d: 'x' } });
  });

  it('a search answers a list or one resource; a list page gives its cursor only with a next link', () => {
    expect(readInvoiceSearch({ data: [invoiceResource(), invoiceResource({ reference_id: 'ref-2' })] }).map((i) => i.referenceId)).toEqual(['ref-1', 'ref-2']);
    expect(readInvoiceSearch({ data: invoiceResource() })).toHaveLength(1);
    expect(refusal(readInvoiceSearch, { data: [invoiceResource(), invoiceResource({ amount: null })] })).toMatch(/^data\.1\.attributes\.amount:/);
    expect(readInvoiceList({ data: [], meta: { after: 'c1' }, links: { next: null } })).toEqual({ invoices: [], after: 'c1', next: null });
    expect(readInvoiceList({ data: [] })).toEqual({ invoices: [], after: null, next: null });
    expect(refusal(readInvoiceList, { data: {} })).toMatch(/^data:/);
  });

  it('the public flat invoice has no reference, fee or fields, and is checked the same way', () => {
    const flat = { data: { id: 'cpoi_1', status: 'success', test_mode: false, currency: 'EUR', amount: '5.00', service: 'card', created: 1 } };
    expect(readPublicInvoice(flat)).toMatchObject({ id: 'cpoi_1', referenceId: null, amount: '5.00', fee: null, fields: {}, serviceAmount: null });
    expect(refusal(readPublicInvoice, { data: { ...flat.data, amount: 'five' } })).toMatch(/^data\.amount:/);
    expect(refusal(readPublicInvoice, { data: { ...flat.data, status: '' } })).toMatch(/^data\.status:/);
  });
});

describe('service replies', () => {
  const service = (attributes: Record<string, unknown> = {}) => ({
    id: 'ps_1',
    attributes: { service: 'card', service_method: 'card', service_currency: 'USD', available: true, active: true, enabled: true, amount_min: 1, amount_max: '1000.00', fee_min: 0, fee_max: 0, fee_rate: 0.015, fee_fix: 0, currency: 'USD', test_mode: true, ...attributes },
  });

  it('reads a page of services with its counts, and refuses counts that are not whole', () => {
    expect(readServicesPage({ meta: { total: 1, pages: 1, page: 1 }, data: [service()] })).toMatchObject({ page: 1, pages: 1, total: 1, items: [{ id: 'ps_1', amountMax: '1000.00', feeRate: '0.015' }] });
    expect(refusal(readServicesPage, { meta: { total: 1, pages: 1, page: 0 }, data: [] })).toMatch(/^meta\.page:/);
    expect(refusal(readServicesPage, { meta: { total: 1.5, pages: 1, page: 1 }, data: [] })).toMatch(/^meta\.total:/);
    expect(refusal(readService, { data: service({ enabled: 'yes' }) })).toMatch(/^data\.attributes\.enabled:/);
    expect(refusal(readService, { data: service({ fee_fix: null }) })).toMatch(/^data\.attributes\.fee_fix:/);
  });

  it('reads a pre-request whose collections come as objects or arrays, labels as text or per language', () => {
    const offered = { code: 'card', method: 'card', currency: 'USD', amount_min: 1, amount_max: 100, exchange_rate: '1.0' };
    const body = {
      data: {
        currency: 'USD',
        test_mode: true,
        services: {
          card: { ...offered, fields: { account: { key: 'account', required: true, regexp: '^\\d+$', label: { de: 'Konto', en: null } } } },
          wire: { ...offered, code: 'wire', fields: [{ key: 'iban', type: null, label: 'IBAN' }] },
        },
      },
    };
    expect(readPrerequest(body).services).toEqual([
      { code: 'card', method: 'card', currency: 'USD', amountMin: '1', amountMax: '100', exchangeRate: '1.0', fields: [{ key: 'account', type: 'string', required: true, regexp: '^\\d+$', label: 'Konto' }] },
      { code: 'wire', method: 'card', currency: 'USD', amountMin: '1', amountMax: '100', exchangeRate: '1.0', fields: [{ key: 'iban', type: 'string', required: false, regexp: null, label: 'IBAN' }] },
    ]);
    expect(readPrerequest({ data: { currency: 'USD', test_mode: false, services: [] } }).services).toEqual([]);
    expect(refusal(readPrerequest, { data: { ...body.data, services: [{ ...offered, exchange_rate: null }] } })).toMatch(/^data\.services\.0\.exchange_rate:/);
    expect(refusal(readPrerequest, { data: { ...body.data, services: [{ ...offered, fields: [{ key: '' }] }] } })).toMatch(/^data\.services\.0\.fields\.0\.key:/);
    expect(refusal(readPrerequest, { data: { ...body.data, services: [{ ...offered, fields: [{ key: 'a', label: { en: 5 } }] }] } })).toMatch(/label\.en:/);
  });
});
