/** Bodies shaped like the API doc's samples, for the raw server. */

export const credentials = { publicKey: 'pk_test_public', keyId: 'key-id-7', secretKey: 'sk_test_TOP_SECRET_value' };

export function invoiceResource(overrides: Record<string, unknown> = {}) {
  return {
    type: 'payout-invoices',
    id: 'cpoi_VdHYVxq4RsLEebAQ',
    attributes: {
      serial_number: 'VdHYVxq4RsLEebAQ',
      status: 'created',
      resolution: 'ok',
      amount: 10,
      payout_amount: 10,
      currency: 'USD',
      service_currency: 'USD',
      service_amount: 10,
      reference_id: 'ref-1',
      test_mode: true,
      description: null,
      fee: 0,
      processed: null,
      processed_amount: null,
      metadata: { key: 'value' },
      created: 1597835735,
      updated: 1597835735,
      fields: { card_number: '512381******0000' },
      ...overrides,
    },
    relationships: { 'payout-service': { data: { type: 'payout-services', id: 'card' } } },
    links: { self: '/api/payout-invoices/cpoi_VdHYVxq4RsLEebAQ' },
  };
}

export const internalError = {
  errors: [{ status: 'internal_error', code: '500', title: 'internal_error', detail: 'Internal server error.' }],
};
