import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient, type ApiClientOptions, type RetryEvent } from '../../src/api/index.js';
import { credentials, internalError, invoiceResource } from './helpers/api-fixtures.js';
import { drop, json, startRawServer, type RawServer } from './helpers/raw-server.js';

let server: RawServer;
let clients: ApiClient[] = [];
/** Every wait the client asked for before a retry: the tests check them instead of sitting them out. */
let waits: number[] = [];
beforeAll(async () => {
  server = await startRawServer();
});
afterAll(() => server.close());
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
  waits = [];
});

function connect(extra: Partial<ApiClientOptions> = {}): ApiClient {
  const client = createApiClient({ baseUrl: server.url, ...credentials, retryLimit: 2, sleep: async (ms) => void waits.push(ms), ...extra });
  clients.push(client);
  return client;
}

const createReq = { referenceId: 'ref-1', service: 'card', currency: 'USD', amount: '10', fields: {} };
const created = json(201, { data: invoiceResource() });

describe('POST retries', () => {
  it('does not retry a 429 on create ("too many requests or duplicate request detected"): one request, the wait in the error', async () => {
    server.answer(json(429, { errors: [{ status: 'Too Many Requests', code: '429' }] }, { 'retry-after': '1' }), created);
    const events: RetryEvent[] = [];
    const error = await connect({ onRetry: (e) => events.push(e) }).createInvoice(createReq).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 429, retryAfterMs: 1000 });
    expect(server.requests).toHaveLength(1);
    expect(events).toHaveLength(0);
    expect(waits).toEqual([]);
  });

  it('does not retry a 500 on create: one request, effect maybe', async () => {
    server.answer(json(500, internalError), created);
    const error = await connect().createInvoice(createReq).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 500, effect: 'maybe', code: 'http_500' });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a dropped connection on process: one request, effect maybe', async () => {
    server.answer(drop, created);
    const error = await connect().processInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', effect: 'maybe', causeCode: 'ECONNRESET' });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up on a Retry-After longer than maxRetryAfterMs and reports the wait asked for', async () => {
    server.answer(json(429, {}, { 'retry-after': '120' }), created);
    const error = await connect({ maxRetryAfterMs: 5_000 }).createInvoice(createReq).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 429, effect: 'none', retryAfterMs: 120_000 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('the pre-request, a POST that only looks things up', () => {
  it('is retried on 5xx like a read, and its failure has no effect', async () => {
    server.answer(json(503, internalError), json(200, { data: { currency: 'USD', test_mode: true, services: [] } }));
    expect(await connect().prerequest('USD')).toEqual({ currency: 'USD', testMode: true, services: [] });
    expect(server.requests).toHaveLength(2);
    server.answer(json(500, internalError));
    const error = await connect({ retryLimit: 0 }).prerequest('USD').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 500, effect: 'none', method: 'POST' });
  });
});

describe('refused connections', () => {
  it('a create to a port nobody listens on is retried by the client and fails with effect none', async () => {
    const gone = await startRawServer();
    await gone.close();
    const events: RetryEvent[] = [];
    const refused = createApiClient({ baseUrl: gone.url, ...credentials, retryLimit: 1, onRetry: (e) => events.push(e) });
    try {
      const error = await refused.createInvoice(createReq).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network', effect: 'none', causeCode: 'ECONNREFUSED', method: 'POST' });
      expect(events.map((e) => [e.attempt, e.error.causeCode])).toEqual([[1, 'ECONNREFUSED']]);
    } finally {
      refused.close();
    }
  });
});

describe('GET retries', () => {
  it('retries 5xx answers up to retryLimit, then returns the answer', async () => {
    server.answer(json(503, internalError), json(502, internalError), json(200, { data: invoiceResource({ status: 'processed' }) }));
    const attempts: number[] = [];
    const invoice = await connect({ onRetry: (e) => attempts.push(e.attempt) }).getInvoice('cpoi_1');
    expect(invoice.status).toBe('processed');
    expect(server.requests).toHaveLength(3);
    expect(attempts).toEqual([1, 2]);
  });

  it('stops after retryLimit retries with the last error', async () => {
    server.answer(json(500, internalError));
    const error = await connect({ retryLimit: 1 }).getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 500, effect: 'none' });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a dropped connection', async () => {
    server.answer(drop, json(200, { data: invoiceResource() }));
    const invoice = await connect().getInvoice('cpoi_1');
    expect(invoice.referenceId).toBe('ref-1');
    expect(server.requests).toHaveLength(2);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    // Whole seconds only: the wait asked for is between 2 and 3 s, longer than the client's first backoff (≤ 350 ms).
    const soon = new Date(Date.now() + 3_000).toUTCString();
    server.answer(json(429, {}, { 'retry-after': soon }), json(200, { data: invoiceResource() }));
    const delays: number[] = [];
    await connect({ onRetry: (e) => delays.push(e.delayMs) }).getInvoice('cpoi_1');
    expect(server.requests).toHaveLength(2);
    expect(delays[0]).toBeGreaterThan(1_500);
    expect(delays[0]).toBeLessThanOrEqual(3_000);
    expect(waits).toEqual(delays);
  });

  it('does not retry a 404', async () => {
    server.answer(json(404, { errors: [{ status: 'Not Found', code: '404' }] }));
    const error = await connect().getInvoice('nope').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 404, effect: 'none', apiMessage: 'Not Found' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('hooks', () => {
  it('awaits beforeRequest before every attempt and reports every answer', async () => {
    server.answer(json(503, internalError), json(200, { data: invoiceResource() }));
    const order: string[] = [];
    await connect({
      beforeRequest: async () => {
        order.push(`before:${server.requests.length}`);
      },
      onResponse: (status) => order.push(`status:${status}`),
    }).getInvoice('cpoi_1');
    expect(order).toEqual(['before:0', 'status:503', 'before:1', 'status:200']);
  });

  it('passes an error thrown by onRetry or onResponse through unchanged, not as a network error', async () => {
    const boom = new Error('observer failed');
    server.answer(json(503, internalError), json(200, { data: invoiceResource() }));
    const viaRetry = await connect({ onRetry: () => { throw boom; } }).getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(viaRetry).toBe(boom);
    server.answer(json(200, { data: invoiceResource() }));
    const viaResponse = await connect({ onResponse: () => { throw boom; } }).getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(viaResponse).toBe(boom);
  });

  it('reports an attempt that got no answer as status 0', async () => {
    server.answer(drop, json(200, { data: invoiceResource() }));
    const statuses: number[] = [];
    await connect({ onResponse: (status) => statuses.push(status) }).getInvoice('cpoi_1');
    expect(statuses).toEqual([0, 200]);
  });

  it('refuses a base URL that is not http(s) or carries credentials', () => {
    expect(() => connect({ baseUrl: 'ftp://example.com/api' })).toThrow(TypeError);
    expect(() => connect({ baseUrl: 'https://u:p@example.com/api' })).toThrow(TypeError);
    expect(() => connect({ baseUrl: 'not a url' })).toThrow(TypeError);
  });

  it('passes an error thrown by beforeRequest through unchanged and sends nothing', async () => {
    server.answer(json(200, { data: invoiceResource() }));
    const stop = new Error('stopping');
    const error = await connect({ beforeRequest: () => Promise.reject(stop) }).getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toBe(stop);
    expect(server.requests).toHaveLength(0);
  });
});
