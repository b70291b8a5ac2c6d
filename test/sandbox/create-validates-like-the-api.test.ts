import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, create, createBody, open, testUsd } from './sandbox-calls.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await open();
});
afterAll(() => sb.close());

let n = 0;
const ref = (): string => `create-${++n}`;

describe('POST /payout-invoices: success', () => {
  it('answers 201 with the private JSON:API shape, exact money and a masked card', async () => {
    const reference = ref();
    const answer = await create(sb, {
      reference_id: reference,
      service: 'payment_card_usd',
      currency: 'USD',
      amount: '10.10',
      fields: { card_number: '5123817234060000' },
      description: 'refund',
      callback_url: 'https://example.com/hook',
      customer: { reference_id: '1203515', email: 'somename@domain.com', name: 'John Wick' },
      metadata: { key: 'value' },
    });
    expect(answer.status).toBe(201);
    const { data } = answer.json;
    expect(data.id).toMatch(/^cpoi_[A-Za-z0-9]{16}$/);
    expect(data.type).toBe('payout-invoices');
    expect(data.links).toEqual({ self: `/api/payout-invoices/${data.id}` });
    expect(data.attributes).toEqual({
      serial_number: data.id.slice(5),
      status: 'created',
      resolution: 'ok',
      amount: 10.1,
      payout_amount: 10.1,
      currency: 'USD',
      service_currency: 'USD',
      service_amount: 10.1,
      service_payout_amount: 10.1,
      reference_id: reference,
      test_mode: true,
      description: 'refund',
      // 10.10 × 1.5% + 0.30 = 0.4515 -> 0.45
      fee: 0.45,
      writeoff: 10.55,
      exchange_rate: 1,
      processed: null,
      processed_amount: null,
      processed_fee: 0,
      processed_writeoff: null,
      metadata: { key: 'value' },
      created: expect.any(Number),
      updated: data.attributes.created,
      fields: { card_number: '512381******0000' },
      callback_url: 'https://example.com/hook',
      source: 'merchant_api',
      callback_logs: [],
    });
    expect(data.relationships).toEqual({
      'payout-service': { data: { type: 'payout-services', id: 'payment_card_usd' } },
      'payout-method': { data: { type: 'payout-methods', id: 'payment_card' } },
      customer: { data: { type: 'customers', id: expect.stringMatching(/^cus_[A-Za-z0-9]{16}$/) } },
    });
    expect(answer.text).not.toContain('5123817234060000');
    expect(sb.invoices().find((i) => i.referenceId === reference)).toEqual({
      id: data.id,
      referenceId: reference,
      service: 'payment_card_usd',
      currency: 'USD',
      amount: '10.10',
      status: 'created',
      resolution: 'ok',
      customer: { reference_id: '1203515', email: 'somename@domain.com', name: 'John Wick' },
      metadata: { key: 'value' },
      context: null,
      options: null,
    });
  });

  it('keeps large amounts exact (no binary float on the way)', async () => {
    const answer = await create(sb, testUsd(ref(), {}, '9999998.99'));
    expect(answer.status).toBe(201);
    expect(answer.text).toContain('"amount":9999998.99,');
    const jpy = await create(sb, { ...testUsd(ref(), {}, '1'), service: 'test_jpy', currency: 'JPY' });
    expect(jpy.status).toBe(201);
    const kwd = await create(sb, { ...testUsd(ref(), {}, '0.001'), service: 'test_kwd', currency: 'KWD' });
    expect(kwd.status).toBe(201);
    expect(kwd.text).toContain('"amount":0.001,');
  });

  it('converts a EUR invoice on test_usd at 1.08', async () => {
    const answer = await create(sb, { ...testUsd(ref(), {}, '100.00'), currency: 'EUR' });
    expect(answer.status).toBe(201);
    expect(answer.json.data.attributes).toMatchObject({
      currency: 'EUR',
      amount: 100,
      service_currency: 'USD',
      service_amount: 108,
      exchange_rate: 1.08,
      fee: 0,
    });
  });
});

describe('POST /payout-invoices: 422 field messages', () => {
  async function errorsOf(draft: Parameters<typeof createBody>[0]): Promise<Record<string, string>> {
    const answer = await create(sb, draft);
    expect(answer.status).toBe(422);
    return answer.json.errors;
  }

  it('amount: not positive, missing, a string, too many decimals, out of limits', async () => {
    expect(await errorsOf(testUsd(ref(), {}, '0'))).toEqual({ amount: 'This value should be greater than 0.' });
    expect(await errorsOf(testUsd(ref(), {}, '-5'))).toEqual({ amount: 'This value should be greater than 0.' });
    const { amount: _omit, ...noAmount } = testUsd(ref());
    expect(await errorsOf(noAmount)).toEqual({ amount: 'This value should not be blank.' });
    expect(await errorsOf(testUsd(ref(), {}, '"10.00"'))).toEqual({ amount: 'This value should be of type numeric.' });
    expect(await errorsOf(testUsd(ref(), {}, '10.001'))).toEqual({ amount: 'This value should have 2 decimal places or less.' });
    expect(await errorsOf({ ...testUsd(ref(), {}, '1.5'), service: 'test_jpy', currency: 'JPY' })).toHaveProperty('amount');
    const card = { reference_id: ref(), service: 'payment_card_usd', currency: 'USD', fields: { card_number: '5123817234060000' } };
    expect(await errorsOf({ ...card, amount: '5000.01' })).toEqual({ amount: 'This value should be between 1 and 5000 USD.' });
    expect(await errorsOf({ ...card, amount: '0.99' })).toHaveProperty('amount');
    // 9259260 EUR × 1.08 exceeds test_usd's USD limit
    expect(await errorsOf({ ...testUsd(ref(), {}, '9259260'), currency: 'EUR' })).toHaveProperty('amount');
  });

  it('service: unknown, disabled, unavailable, not offered for the currency', async () => {
    expect(await errorsOf({ ...testUsd(ref()), service: 'nope' })).toEqual({ service: 'This value is not valid.' });
    const bank = { reference_id: ref(), currency: 'USD', amount: '100', fields: { account: 'ABCDEFGH12' } };
    expect(await errorsOf({ ...bank, service: 'bank_transfer_usd_disabled' })).toEqual({ service: 'The service is disabled.' });
    expect(
      await errorsOf({ reference_id: ref(), service: 'sepa_eur_unavailable', currency: 'EUR', amount: '10', fields: {} }),
    ).toMatchObject({ service: 'The service is not available.' });
    expect(await errorsOf({ ...testUsd(ref()), currency: 'GBP' })).toEqual({ service: 'The service is not offered for GBP.' });
  });

  it('fields: missing required, regexp mismatch, unknown key, not a string', async () => {
    expect(await errorsOf({ ...testUsd(ref()), fields: {} })).toEqual({ 'fields.account': 'This value should not be blank.' });
    expect(await errorsOf(testUsd(ref(), { account: 'abc' }))).toEqual({ 'fields.account': 'This value is not valid.' });
    expect(await errorsOf(testUsd(ref(), { acount: '1' }))).toEqual({ 'fields.acount': 'This field was not expected.' });
    expect(await errorsOf({ ...testUsd(ref()), fields: { account: 12345 } })).toEqual({
      'fields.account': 'This value should be of type string.',
    });
    const card = { reference_id: ref(), service: 'payment_card_usd', currency: 'USD', amount: '10' };
    expect(await errorsOf({ ...card, fields: { card_number: '4111' } })).toEqual({ 'fields.card_number': 'This value is not valid.' });
    expect(await errorsOf(testUsd(ref(), { test_details_payout_status: 'no_such!' }))).toEqual({
      'fields.test_details_payout_status': 'This value is not valid.',
    });
  });

  it('reference_id, currency, customer, callback_url; several errors at once', async () => {
    const { reference_id: _r, ...noRef } = testUsd('x');
    expect(await errorsOf(noRef)).toEqual({ reference_id: 'This value should not be blank.' });
    expect(await errorsOf({ ...testUsd(ref()), currency: 'usd' })).toEqual({ currency: 'This value is not valid.' });
    expect(await errorsOf({ ...testUsd(ref()), customer: { name: 'x' } })).toEqual({
      'customer.reference_id': 'This value should not be blank.',
    });
    expect(await errorsOf({ ...testUsd(ref()), callback_url: 'ftp://x' })).toEqual({ callback_url: 'This value is not a valid URL.' });
    expect(await errorsOf({ ...testUsd(ref(), { account: 'x' }, '0') })).toEqual({
      amount: 'This value should be greater than 0.',
      'fields.account': 'This value is not valid.',
    });
  });

  it('nested objects: a flat dotted key is not expected at any level; documented options are booleans', async () => {
    expect(await errorsOf({ ...testUsd(ref()), context: { 'card.exp_month': '09' } })).toEqual({
      'context.card.exp_month': 'This field was not expected.',
    });
    expect(await errorsOf({ ...testUsd(ref()), customer: { reference_id: 'c1', 'address.city': 'Kyiv', metadata: { 'a.b': '1' } } })).toEqual({
      'customer.address.city': 'This field was not expected.',
      'customer.metadata.a.b': 'This field was not expected.',
    });
    expect(await errorsOf({ ...testUsd(ref()), options: { auto_process: 'true' } })).toEqual({
      'options.auto_process': 'This value should be of type bool.',
    });
    expect(await errorsOf({ ...testUsd(ref()), context: 'card' })).toEqual({ context: 'This value should be of type object.' });
    expect(await errorsOf({ ...testUsd(ref()), metadata: ['x'] })).toEqual({ metadata: 'This value should be of type object.' });
  });

  it('nested objects nested properly are accepted; auto_process true processes at creation', async () => {
    const reference = ref();
    const nested = {
      context: { card: { card_holder: 'JOHN WICK', exp_month: '09' } },
      customer: { reference_id: 'c1', address: { city: 'Kyiv' }, metadata: { url: 'https://x.test' } },
      options: { auto_process: true, split_mode: false, expires: '2030-01-01' },
    };
    const answer = await create(sb, { ...testUsd(reference), ...nested });
    expect(answer.status).toBe(201);
    expect(answer.json.data.attributes.status).toBe('processed');
    expect(sb.invoices().find((i) => i.referenceId === reference)).toMatchObject({ ...nested, metadata: null });
  });

  it('creates nothing when it refuses', async () => {
    const before = sb.invoices().length;
    const reference = ref();
    await create(sb, testUsd(reference, {}, '0'));
    expect(sb.invoices().length).toBe(before);
    expect(sb.counters.createRequests.get(reference)).toBe(1);
    expect(sb.counters.invoicesCreated.get(reference)).toBeUndefined();
  });
});

describe('POST /payout-invoices: duplicates and bad bodies', () => {
  it('answers 409 on a duplicate reference_id and creates nothing more', async () => {
    const reference = ref();
    expect((await create(sb, testUsd(reference))).status).toBe(201);
    const again = await create(sb, testUsd(reference, {}, '20.00'));
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      errors: [
        {
          status: 'Conflict',
          code: '409',
          title: 'duplicate_reference_id',
          detail: `Invoice with reference_id ${reference} already exists`,
        },
      ],
    });
    expect(sb.counters.createRequests.get(reference)).toBe(2);
    expect(sb.counters.invoicesCreated.get(reference)).toBe(1);
    expect(sb.invoices().filter((i) => i.referenceId === reference)).toHaveLength(1);
  });

  it('lets only one of many concurrent creates of one reference through', async () => {
    const reference = ref();
    const answers = await Promise.all(Array.from({ length: 20 }, () => create(sb, testUsd(reference))));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    expect(sb.counters.invoicesCreated.get(reference)).toBe(1);
  });

  it('answers 400 for malformed JSON and for a body without data.attributes', async () => {
    const malformed = await call(sb, 'POST', '/payout-invoices', { body: '{"data":' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors[0]).toMatchObject({ status: 'Bad Request', code: '400', title: 'invalid_json' });
    const shapeless = await call(sb, 'POST', '/payout-invoices', { body: '{"reference_id":"x"}' });
    expect(shapeless.status).toBe(400);
    expect(shapeless.json.errors[0]).toMatchObject({ status: 'Bad Request', code: '400', title: 'invalid_request' });
  });

  it('needs BasicAuth and creates nothing without it', async () => {
    const reference = ref();
    const answer = await call(sb, 'POST', '/payout-invoices', { auth: false, body: createBody(testUsd(reference)) });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ errors: [{ status: 'Unauthorized', code: '401' }] });
    expect(sb.counters.invoicesCreated.get(reference)).toBeUndefined();
  });
});
