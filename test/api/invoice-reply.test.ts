import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readInvoiceBody } from '../../src/api/invoice-reply.js';
import { parseReplyJson } from '../../src/api/reply-json.js';
import { invoiceSchema } from '../../src/api/schemas.js';
import { invoiceResource } from './helpers/api-fixtures.js';

/** What the sandbox answers to a create (as its wire text). */
const SANDBOX_REPLY =
  '{"data":{"type":"payout-invoices","id":"cpoi_tZYCb5vZfgoqlLnB","attributes":{"serial_number":"tZYCb5vZfgoqlLnB","status":"created","resolution":"ok","amount":12.34,"payout_amount":12.34,"currency":"USD","service_currency":"USD","service_amount":12.34,"service_payout_amount":12.34,"reference_id":"r-1","test_mode":true,"description":"payout 1","fee":0,"writeoff":12.34,"exchange_rate":1,"processed":null,"processed_amount":null,"processed_fee":0,"processed_writeoff":null,"metadata":null,"created":1795808507,"updated":1795808507,"fields":{"account":"123456"},"callback_url":null,"source":"merchant_api","callback_logs":[]},"relationships":{"payout-service":{"data":{"type":"payout-services","id":"test_usd"}},"payout-method":{"data":{"type":"payout-methods","id":"test"}},"customer":{"data":{"type":"customers","id":"cus_3VyqIBYmAIvPERS5"}}},"links":{"self":"/api/payout-invoices/cpoi_tZYCb5vZfgoqlLnB"}}}';

/** Values each field is tried with: the documented ones and every way a reply can get them wrong. */
const TRIALS: unknown[] = [
  undefined, null, '', 'x', 'ok', '10.50', '-0.5', '10,5', '1e5', ' 1', '12345678901234567.89', 0, -0, 1, 10.5, 1e21, 1.5e-7, 1597835735,
  true, false, [], [1], {}, { data: null }, { data: { id: 'svc' } }, { data: { id: 7 } }, { data: [] }, { a: 'b', n: 1, t: true, z: null },
  { a: { nested: 1 } }, { a: [] }, { '0': 'first', b: 2 },
];
const ATTRIBUTES = ['status', 'resolution', 'currency', 'amount', 'service_currency', 'service_amount', 'fee', 'processed_amount', 'reference_id', 'service', 'test_mode', 'fields', 'created', 'updated'];

function generator(seed: number) {
  let s = seed;
  const random = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return { random, pick };
}

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/** A reply: the doc's invoice with a few fields (or the envelope) replaced. */
function variant(g: ReturnType<typeof generator>): unknown {
  const body = { data: structuredClone(invoiceResource()) as Record<string, unknown> };
  const attributes = body.data['attributes'] as Record<string, unknown>;
  for (let n = 1 + Math.floor(g.random() * 3); n > 0; n--) {
    const where = g.random();
    if (where < 0.85) set(attributes, g.pick(ATTRIBUTES), g.pick(TRIALS));
    else if (where < 0.9) set(body.data, 'id', g.pick(TRIALS));
    else if (where < 0.95) set(body.data, 'relationships', g.pick([...TRIALS, { 'payout-service': g.pick(TRIALS) }]));
    else if (where < 0.97) set(body.data, 'attributes', g.pick(TRIALS));
    else return g.pick([{ data: g.pick(TRIALS) }, g.pick(TRIALS)]);
  }
  return body;
}

describe('invoice replies read without the schema', () => {
  it('the documented and the sandbox replies take the fast path, with the values the schema gives', () => {
    for (const json of [{ data: invoiceResource() }, parseReplyJson(SANDBOX_REPLY)]) {
      const fast = readInvoiceBody(json);
      expect(fast).toBeDefined();
      expect(fast).toStrictEqual(invoiceSchema.parse(json));
    }
  });

  it('amounts stay exact: long literals, exponents and strings give the schema’s decimals', () => {
    const text = JSON.stringify({ data: invoiceResource({ amount: '@a', fee: '@f', service_amount: '@s', processed_amount: '@p' }) })
      .replace('"@a"', '12345678901234567.10')
      .replace('"@f"', '2.50e1')
      .replace('"@s"', '"-0.50"')
      .replace('"@p"', '-0.0');
    const json = parseReplyJson(text);
    const fast = readInvoiceBody(json);
    expect(fast?.data.attributes).toMatchObject({ amount: '12345678901234567.1', fee: '25', service_amount: '-0.50', processed_amount: '0' });
    expect(fast).toStrictEqual(invoiceSchema.parse(json));
  });

  it('on any reply, gives the schema’s value or leaves it to the schema (random replies)', () => {
    const g = generator(424242);
    let fast = 0;
    let refused = 0;
    for (let i = 0; i < 8_000; i++) {
      const json = variant(g);
      const read = readInvoiceBody(json);
      const parsed = invoiceSchema.safeParse(json);
      if (!parsed.success) refused += 1;
      if (read === undefined) continue;
      fast += 1;
      // `expect` only on a difference: thousands of passing `expect` calls cost more than the reading.
      if (!parsed.success || !isDeepStrictEqual(read, parsed.data)) {
        expect(parsed.success, JSON.stringify(json)).toBe(true);
        expect(read, JSON.stringify(json)).toStrictEqual(parsed.data);
      }
    }
    expect(fast).toBeGreaterThan(800);
    expect(refused).toBeGreaterThan(800);
  });
});
