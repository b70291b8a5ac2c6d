import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, open } from './sandbox-calls.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await open();
});
afterAll(() => sb.close());

function prerequest(body: Record<string, unknown> | string): ReturnType<typeof call> {
  return call(sb, 'POST', '/payout-prerequest', { auth: false, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('GET /payout-services', () => {
  it('pages 168 services over 9 pages of 20 with the document links', async () => {
    const first = await call(sb, 'GET', '/payout-services');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.json.meta).toEqual({ total: 168, pages: 9, page: 1 });
    expect(first.json.links).toEqual({
      first: '/api/payout-services?page[number]=1&page[size]=20',
      next: '/api/payout-services?page[number]=2&page[size]=20',
      last: '/api/payout-services?page[number]=9&page[size]=20',
    });
    expect(first.json.data).toHaveLength(20);

    const seen: string[] = [];
    for (let page = 1; page <= 9; page++) {
      const answer = await call(sb, 'GET', `/payout-services?page[number]=${page}&page[size]=20`);
      seen.push(...answer.json.data.map((d: { attributes: { service: string } }) => d.attributes.service));
      if (page === 9) {
        expect(answer.json.data).toHaveLength(8);
        expect(answer.json.links.next ?? '').toBe('');
        expect(answer.json.data.map((d: { attributes: { service: string } }) => d.attributes.service)).toContain('swift_usd');
      } else {
        expect(seen).not.toContain('swift_usd');
      }
    }
    expect(new Set(seen).size).toBe(168);
  });

  it('answers each service in the document shape', async () => {
    const answer = await call(sb, 'GET', '/payout-services?page[size]=100');
    const card = answer.json.data.find((d: { attributes: { service: string } }) => d.attributes.service === 'payment_card_usd');
    expect(card).toEqual({
      type: 'payout-services',
      id: expect.stringMatching(/^comcpos_[A-Za-z0-9]{16}$/),
      attributes: {
        service: 'payment_card_usd',
        service_method: 'payment_card',
        service_currency: 'USD',
        available: true,
        active: true,
        enabled: true,
        amount_min: 1,
        amount_max: 5000,
        fee_min: 0,
        fee_max: 0,
        fee_rate: 1.5,
        fee_fix: 0.3,
        currency: 'USD',
        test_mode: true,
      },
      relationships: {
        'payout-method': { data: { type: 'payout-methods', id: 'payment_card' } },
        'payout-service': { data: { type: 'payout-services', id: 'payment_card_usd' } },
      },
      links: { self: `/api/payout-services/${card.id}` },
    });
    expect(answer.json.meta).toEqual({ total: 168, pages: 2, page: 1 });
  });

  it('flags the disabled and the unavailable service', async () => {
    const all: Array<{ attributes: Record<string, unknown> }> = [];
    for (let page = 1; page <= 2; page++) all.push(...(await call(sb, 'GET', `/payout-services?page[number]=${page}&page[size]=100`)).json.data);
    const by = (code: string) => all.find((d) => d.attributes['service'] === code)?.attributes;
    expect(by('bank_transfer_usd_disabled')).toMatchObject({ enabled: false });
    expect(by('sepa_eur_unavailable')).toMatchObject({ available: false, enabled: true });
    expect(by('test_jpy')).toMatchObject({ amount_min: 1, fee_rate: 0, fee_fix: 0 });
    expect(by('test_kwd')).toMatchObject({ amount_min: 0.001 });
  });

  it('caps page[size] at 100, answers an empty page past the end, refuses nonsense', async () => {
    expect((await call(sb, 'GET', '/payout-services?page[size]=500')).json.data).toHaveLength(100);
    const past = await call(sb, 'GET', '/payout-services?page[number]=10');
    expect(past.status).toBe(200);
    expect(past.json.data).toEqual([]);
    const bad = await call(sb, 'GET', '/payout-services?page[number]=zero');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0]).toMatchObject({ status: 'Bad Request', code: '400' });
  });

  it('uses servicesPageSize when the request names no size', async () => {
    const small = await open({ servicesPageSize: 50 });
    try {
      const answer = await call(small, 'GET', '/payout-services');
      expect(answer.json.meta).toEqual({ total: 168, pages: 4, page: 1 });
      expect(answer.json.links.next).toBe('/api/payout-services?page[number]=2&page[size]=50');
    } finally {
      await small.close();
    }
  });

  it('needs BasicAuth', async () => {
    const none = await call(sb, 'GET', '/payout-services', { auth: false });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ errors: [{ status: 'Unauthorized', code: '401' }] });
    const wrong = await call(sb, 'GET', '/payout-services', { auth: `Basic ${Buffer.from('sandbox_key_id:nope').toString('base64')}` });
    expect(wrong.status).toBe(401);
  });
});

describe('GET /payout-services/{id}', () => {
  it('answers one service by its id, 404 for an unknown one', async () => {
    const page = await call(sb, 'GET', '/payout-services?page[number]=9');
    const swift = page.json.data.find((d: { attributes: { service: string } }) => d.attributes.service === 'swift_usd');
    const one = await call(sb, 'GET', `/payout-services/${swift.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual({ data: swift });
    const missing = await call(sb, 'GET', '/payout-services/comcpos_doesnotexist0000');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ errors: [{ status: 'Not Found', code: '404' }] });
  });
});

describe('POST /payout-prerequest', () => {
  it('sends the regexps with doubled backslashes, exactly as the document', async () => {
    const answer = await prerequest({ currency: 'USD', amount: 10, public_key: sb.credentials.publicKey });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"regexp":"^\\\\\\\\d{1,15}$"');
    expect(answer.text).toContain('"regexp":"^[A-Z\\\\\\\\-\\\\\\\\sa-z]{2,64}$"');
    expect(answer.json.data.services.test_usd.fields[0].regexp).toBe('^\\\\d{1,15}$');
    expect(answer.json.data.services.payment_card_usd.fields[0]).toMatchObject({ key: 'card_number', required: true, regexp: '^\\\\d{13,19}$' });
  });

  it('answers the document shape for test_usd', async () => {
    const answer = await prerequest({ currency: 'USD', amount: 10, public_key: sb.credentials.publicKey });
    const { data } = answer.json;
    expect(data).toMatchObject({ currency: 'USD', amount: 10, test_mode: true });
    expect(data.services.test_usd).toMatchObject({
      code: 'test_usd',
      method: 'test',
      currency: 'USD',
      amount_min: 0.01,
      amount_max: 9999999,
      exchange_rate: 1,
      amount: '10.00',
    });
    expect(data.services.test_usd.fields.map((f: { key: string }) => f.key)).toEqual([
      'account',
      'test_details_success_rate',
      'test_details_payout_status',
      'test_details_payout_resolution',
    ]);
    expect(data.services.test_usd.fields[0]).toEqual({
      key: 'account',
      type: 'string',
      label: { ru: 'Аккаунт', en: 'Account', uk: 'Акаунт' },
      example: null,
      hint: { ru: 'Аккаунт', en: 'Account', uk: 'Акаунт' },
      regexp: '^\\\\d{1,15}$',
      required: true,
      position: 0,
    });
    expect(data.methods.test).toMatchObject({ code: 'test', category: 'alternative', name: { en: 'Test' } });
    expect(data.account).toEqual({
      name: '4Docs',
      description: 'for documenting and testing',
      icon: 'https://static-dev.psp.name/images/default.svg?1595852370',
      website: 'https://lets.doc.it',
    });
  });

  it('offers test_usd for EUR invoices at 1.08, and still lists disabled and unavailable services', async () => {
    const eur = (await prerequest({ currency: 'EUR', amount: 100, public_key: sb.credentials.publicKey })).json.data;
    expect(eur.services.test_usd).toMatchObject({ currency: 'USD', exchange_rate: 1.08, amount: '108.00' });
    expect(Object.keys(eur.services)).toContain('sepa_eur_unavailable');
    const usd = (await prerequest({ currency: 'USD', public_key: sb.credentials.publicKey })).json.data;
    expect(Object.keys(usd.services)).toContain('bank_transfer_usd_disabled');
    expect(Object.keys(usd.services)).toContain('swift_usd');
    expect(usd.amount).toBeNull();
  });

  it('filters services by the amount against their limits', async () => {
    const all = (await prerequest({ currency: 'USD', public_key: sb.credentials.publicKey })).json.data.services;
    expect(Object.keys(all)).toContain('payment_card_usd');
    const big = (await prerequest({ currency: 'USD', amount: 6000, public_key: sb.credentials.publicKey })).json.data.services;
    expect(Object.keys(big)).not.toContain('payment_card_usd');
    expect(Object.keys(big)).toContain('test_usd');
    // 9259260 EUR × 1.08 = 10000000.8 USD: over test_usd's 9999999.
    const eur = (await prerequest({ currency: 'EUR', amount: 9259260, public_key: sb.credentials.publicKey })).json.data.services;
    expect(Object.keys(eur)).not.toContain('test_usd');
    expect(Object.keys(eur)).toContain('test_eur');
  });

  it('answers an empty services map for a currency nothing is offered in', async () => {
    const answer = await prerequest({ currency: 'XAF', public_key: sb.credentials.publicKey });
    expect(answer.status).toBe(200);
    expect(answer.json.data.services).toEqual({});
  });

  it('refuses a wrong or missing public key, and a bad currency or amount', async () => {
    expect((await prerequest({ currency: 'USD', public_key: 'pk_test_wrong' })).json).toEqual({
      errors: [{ status: 'Unauthorized', code: '401' }],
    });
    expect((await prerequest({ currency: 'USD' })).status).toBe(401);
    const currency = await prerequest({ currency: 'usd', public_key: sb.credentials.publicKey });
    expect(currency.status).toBe(422);
    expect(currency.json).toEqual({ errors: { currency: 'This value is not valid.' } });
    const amount = await prerequest({ currency: 'USD', amount: 0, public_key: sb.credentials.publicKey });
    expect(amount.json).toEqual({ errors: { amount: 'This value should be greater than 0.' } });
  });

  it('answers test_mode false and takes only the live key when emulating live keys', async () => {
    const live = await open({ testMode: false });
    try {
      expect(live.credentials.publicKey).toMatch(/^pk_live_/);
      const answer = await call(live, 'POST', '/payout-prerequest', {
        auth: false,
        body: JSON.stringify({ currency: 'USD', public_key: live.credentials.publicKey }),
      });
      expect(answer.json.data.test_mode).toBe(false);
      const withTestKey = await call(live, 'POST', '/payout-prerequest', {
        auth: false,
        body: JSON.stringify({ currency: 'USD', public_key: sb.credentials.publicKey }),
      });
      expect(withTestKey.status).toBe(401);
    } finally {
      await live.close();
    }
  });
});
