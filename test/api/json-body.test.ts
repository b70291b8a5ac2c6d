import { describe, expect, it } from 'vitest';
import { createInvoiceBody, jsonWithAmount } from '../../src/api/json-body.js';
import type { CreateInvoiceRequest } from '../../src/api/client-types.js';

/** The create body as the general placeholder splice writes it: what the direct one must equal, byte for byte. */
function spliced(req: CreateInvoiceRequest): string {
  return jsonWithAmount(
    (amount) => ({
      data: {
        type: 'payout-invoice',
        attributes: {
          reference_id: req.referenceId,
          service: req.service,
          currency: req.currency,
          amount,
          fields: req.fields,
          description: req.description,
          callback_url: req.callbackUrl,
          customer: req.customer,
          metadata: req.metadata,
          context: req.context,
          options: req.options,
        },
      },
    }),
    req.amount,
  );
}

const base: CreateInvoiceRequest = { referenceId: 'ref-1', service: 'card', currency: 'USD', amount: '10.50', fields: { account: '1' } };

describe('the create body', () => {
  it.each<[string, CreateInvoiceRequest]>([
    ['the least a request holds', base],
    ['every attribute', { ...base, description: 'd', callbackUrl: 'https://x.test/cb', customer: { reference_id: 'c', email: 'e@x.test' }, metadata: { a: '1' }, context: { k: 'v', card: { exp_month: '09' } }, options: { auto_process: true, mode: 'x' } }],
    ['text that looks like JSON or the amount', { ...base, referenceId: '"amount":1,', description: '10.50}}', fields: { amount: '10.50', 'a"b': '\\u0000\n' } }],
    ['no fields at all', { ...base, fields: {} }],
    ['unicode and long amounts', { ...base, description: 'Zahlung für Ana — 💸', amount: '000123456789012345678901.000100' }],
  ])('%s: the splice’s text, with the amount’s own digits', (_, req) => {
    const body = createInvoiceBody(req);
    expect(body).toBe(spliced(req));
    expect(JSON.parse(body).data.attributes.reference_id).toBe(req.referenceId);
  });

  it('refuses an amount that is not a plain decimal before building anything', () => {
    expect(() => createInvoiceBody({ ...base, amount: '1e3' })).toThrow(RangeError);
  });
});
