import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../src/api/index.js';
import { credentials, invoiceResource } from './helpers/api-fixtures.js';
import { json, startRawServer, type RawServer } from './helpers/raw-server.js';

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
afterEach(() => server.answer(json(200, {})));

const basic = `Basic ${Buffer.from(`${credentials.keyId}:${credentials.secretKey}`).toString('base64')}`;

function createWith(amount: string) {
  server.answer(json(201, { data: invoiceResource() }));
  return client.createInvoice({ referenceId: 'ref-1', service: 'card', currency: 'USD', amount, fields: { account: '1' } });
}

describe('amounts are sent as number literals with exactly the request digits', () => {
  it.each([
    ['0.10', '0.10'],
    ['12345678901234.56', '12345678901234.56'],
    ['10', '10'],
    ['100.500', '100.500'],
    ['007.50', '7.50'],
  ])('%s goes out as %s', async (amount, literal) => {
    await createWith(amount);
    const body = server.requests[0]?.body ?? '';
    expect(body).toContain(`"amount":${literal},`);
    expect(JSON.parse(body)).toMatchObject({
      data: { type: 'payout-invoice', attributes: { reference_id: 'ref-1', service: 'card', currency: 'USD', fields: { account: '1' } } },
    });
  });

  it.each(['1e3', '-5', '10,50', '.5', '5.', '', ' 5', 'NaN'])('refuses %j before sending anything', async (amount) => {
    await expect(createWith(amount)).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });

  it('keeps other values as text even when they look like the amount', async () => {
    server.answer(json(201, { data: invoiceResource() }));
    await client.createInvoice({ referenceId: '10.50', service: 'card', currency: 'USD', amount: '10.50', fields: {}, description: '10.50' });
    const body = server.requests[0]?.body ?? '';
    expect(JSON.parse(body).data.attributes).toMatchObject({ reference_id: '10.50', description: '10.50', amount: 10.5 });
    expect(body).toContain('"amount":10.50,');
  });

  it('sends the pre-request amount the same way, with the public key in the body', async () => {
    server.answer(json(200, { data: { currency: 'USD', test_mode: true, services: {} } }));
    await client.prerequest('USD', '0.10');
    const req = server.requests[0];
    expect(req?.body).toBe('{"currency":"USD","amount":0.10,"public_key":"pk_test_public"}');
    expect(req?.headers['content-type']).toBe('application/json');
  });
});

describe('credentials', () => {
  it('private calls carry BasicAuth in the header only', async () => {
    server.answer(json(200, { data: [] }));
    await client.findInvoiceByReference('ref-1');
    const req = server.requests[0];
    expect(req?.headers.authorization).toBe(basic);
    expect(req?.url).toBe('/api/payout-invoices?filter%5Breference_id%5D=ref-1');
  });

  it('public calls carry no Authorization header', async () => {
    server.answer(json(200, { data: { currency: 'USD', test_mode: true, services: [] } }));
    await client.prerequest('USD');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[0]?.body).toBe('{"currency":"USD","public_key":"pk_test_public"}');
  });

  it('the public invoice read sends the public key as a query parameter and no Authorization', async () => {
    server.answer(json(200, { data: { id: 'cpoi_1', status: 'processed', resolution: 'ok', test_mode: true, currency: 'USD', amount: 10 } }));
    await client.getInvoicePublic('cpoi_1');
    expect(server.requests[0]?.url).toBe('/api/payout-invoices/cpoi_1?public_key=pk_test_public');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('path segments are escaped', async () => {
    server.answer(json(200, { data: invoiceResource() }));
    await client.getInvoice('a/b?c');
    expect(server.requests[0]?.url).toBe('/api/payout-invoices/a%2Fb%3Fc');
  });
});
