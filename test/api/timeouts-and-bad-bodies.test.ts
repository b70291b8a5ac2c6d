import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient, type ApiClientOptions } from '../../src/api/index.js';
import { credentials, invoiceResource } from './helpers/api-fixtures.js';
import { json, stall, startRawServer, text, type RawServer } from './helpers/raw-server.js';

let server: RawServer;
let client: ApiClient | undefined;
beforeAll(async () => {
  server = await startRawServer();
});
afterAll(() => server.close());
afterEach(() => client?.close());

function connect(extra: Partial<ApiClientOptions> = {}): ApiClient {
  client = createApiClient({ baseUrl: server.url, ...credentials, retryLimit: 0, ...extra });
  return client;
}

const createReq = { referenceId: 'ref-1', service: 'card', currency: 'USD', amount: '10', fields: {} };

describe('timeouts', () => {
  it('a create whose answer never completes is a timeout that may have taken effect', async () => {
    server.answer(stall);
    const error = await connect({ timeoutMs: 300 }).createInvoice(createReq).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', effect: 'maybe', method: 'POST', endpoint: '/payout-invoices', code: 'timeout' });
    expect(server.requests).toHaveLength(1);
  });

  it('a GET timeout has no effect and is retried by the client', async () => {
    server.answer(stall, json(200, { data: invoiceResource() }));
    const invoice = await connect({ timeoutMs: 300, retryLimit: 1 }).getInvoice('cpoi_1');
    expect(invoice.id).toBe('cpoi_VdHYVxq4RsLEebAQ');
    expect(server.requests).toHaveLength(2);
  });

  it('a GET that times out on every attempt says so with effect none', async () => {
    server.answer(stall);
    const error = await connect({ timeoutMs: 200 }).getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', effect: 'none', causeCode: 'ETIMEDOUT' });
  });
});

describe('a 2xx we cannot use is bad_response, never a crash', () => {
  it('non-JSON on a GET: effect none', async () => {
    server.answer(text(200, '<html>maintenance</html>'));
    const error = await connect().getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad_response', effect: 'none', causeCode: 'ERR_BODY_PARSE_FAILURE' });
  });

  it('non-JSON on a create: effect maybe (the 2xx means it happened)', async () => {
    server.answer(text(201, 'Created'));
    const error = await connect().createInvoice(createReq).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad_response', effect: 'maybe', method: 'POST' });
  });

  it('JSON without the invoice status names the missing field', async () => {
    const resource = invoiceResource();
    delete (resource.attributes as Record<string, unknown>)['status'];
    server.answer(json(200, { data: resource }));
    const error = await connect().processInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad_response', effect: 'maybe', causeCode: 'ERR_BODY_SHAPE' });
    expect((error as Error).message).toContain('data.attributes.status');
  });

  it('an amount sent as text that is not a number is rejected', async () => {
    server.answer(json(200, { data: invoiceResource({ amount: '10,5' }) }));
    const error = await connect().getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad_response', effect: 'none' });
  });

  it('extra keys, nulls and unknown statuses are accepted', async () => {
    server.answer(
      json(200, {
        data: invoiceResource({ status: 'awaiting_review', resolution: null, fee: null, fields: null, brand_new: { x: 1 } }),
        included: [],
      }),
    );
    const invoice = await connect().getInvoice('cpoi_1');
    expect(invoice).toMatchObject({ status: 'awaiting_review', resolution: null, fee: null, fields: {} });
  });
});

describe('error bodies', () => {
  it('keeps the list form as items', async () => {
    server.answer(json(401, { errors: [{ status: 'Unauthorized', code: '401' }] }));
    const error = await connect().getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 401, items: [{ status: 'Unauthorized', code: '401' }], apiMessage: 'Unauthorized' });
  });

  it('keeps the object form as fieldErrors, with the API words in the message', async () => {
    server.answer(json(422, { errors: { amount: 'This value should be greater than 0.' } }));
    const error = await connect().createInvoice(createReq).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'http',
      status: 422,
      effect: 'none',
      fieldErrors: { amount: 'This value should be greater than 0.' },
      apiMessage: 'amount: This value should be greater than 0.',
    });
    expect((error as Error).message).toContain('This value should be greater than 0.');
  });

  it('a non-JSON error page still maps to the status', async () => {
    server.answer(text(502, '<html>Bad Gateway</html>'));
    const error = await connect().createInvoice(createReq).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 502, effect: 'maybe', items: [] });
  });
});
