import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../src/api/index.js';
import { canonicalDecimal, exactNumber, parseReplyJson } from '../../src/api/reply-json.js';
import { numberToDecimal } from '../../src/money.js';
import { credentials, invoiceResource } from './helpers/api-fixtures.js';
import { jsonText, startRawServer, type RawServer } from './helpers/raw-server.js';

let server: RawServer;
let client: ApiClient;
beforeAll(async () => {
  server = await startRawServer();
  client = createApiClient({ baseUrl: server.url, ...credentials, retryLimit: 0 });
});
afterAll(async () => {
  client.close();
  await server.close();
});
afterEach(() => server.answer(jsonText(200, '{}')));

/** The doc's invoice with number literals spliced in as written. */
function invoiceWith(literals: Record<string, string>): string {
  let text = JSON.stringify({ data: invoiceResource(Object.fromEntries(Object.keys(literals).map((k) => [k, `@${k}@`]))) });
  for (const [key, literal] of Object.entries(literals)) text = text.replace(`"@${key}@"`, literal);
  return text;
}

describe('amounts in replies keep every digit', () => {
  it('more digits than a double holds', async () => {
    server.answer(jsonText(200, invoiceWith({ amount: '12345678901234567.89', service_amount: '100000000000000000000000.01', fee: '0.10' })));
    const invoice = await client.getInvoice('cpoi_1');
    expect(invoice).toMatchObject({ amount: '12345678901234567.89', serviceAmount: '100000000000000000000000.01', fee: '0.1' });
  });

  it('exponent forms, and a long run of digits inside a string elsewhere in the body', async () => {
    server.answer(jsonText(200, invoiceWith({ amount: '1.5E-7', fee: '2.50e1', processed_amount: '-0.0', description: '"1234567890123456789"' })));
    const invoice = await client.getInvoice('cpoi_1');
    expect(invoice).toMatchObject({ amount: '0.00000015', fee: '25', processedAmount: '0' });
  });

  it('ordinary replies read the same as before: canonical decimals, integers as numbers', async () => {
    server.answer(jsonText(200, invoiceWith({ amount: '10.50', fee: '0', created: '1597835735' })));
    expect(await client.getInvoice('cpoi_1')).toMatchObject({ amount: '10.5', fee: '0', created: 1597835735 });
  });
});

describe('both ways of reading a body agree', () => {
  it('a short literal read as a double gives the digits the exact reading gives', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 20_000; i += 1) {
      const length = 1 + Math.floor(random() * 15);
      let digits = '';
      for (let d = 0; d < length; d += 1) digits += String(Math.floor(random() * 10));
      const point = Math.floor(random() * length);
      const body = point === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
      const literal = (random() < 0.1 ? '-' : '') + body.replace(/^0+(?=\d)/, '');
      if (literal.length - (literal.startsWith('-') ? 1 : 0) > 15 || literal.endsWith('.')) continue;
      // `expect` only on a difference: 20,000 passing `expect` calls cost more than the check.
      const [read, exact] = [numberToDecimal(exactNumber(literal) as number), canonicalDecimal(literal)];
      if (read !== exact) expect(read, literal).toBe(exact);
    }
  });

  it('long literals and exponents become exact decimal strings; short ones stay numbers', () => {
    expect(parseReplyJson('{"a":12345678901234567,"b":1e2,"c":123456789012345,"d":[0.5]}')).toEqual({ a: '12345678901234567', b: '100', c: 123456789012345, d: [0.5] });
    expect(parseReplyJson('{"a":0.5,"b":"x"}')).toEqual({ a: 0.5, b: 'x' });
  });

  it('text that is not JSON is refused either way', () => {
    expect(() => parseReplyJson('{"a":1')).toThrow(SyntaxError);
    expect(() => parseReplyJson('{"a":12345678901234567')).toThrow(SyntaxError);
  });
});
