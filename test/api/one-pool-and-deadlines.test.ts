import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiClient, type ApiClient, type ApiClientOptions, type RetryEvent } from '../../src/api/index.js';
import { credentials, internalError, invoiceResource } from './helpers/api-fixtures.js';
import { after, drip, json, startRawServer, type RawServer } from './helpers/raw-server.js';

let server: RawServer;
let clients: ApiClient[] = [];
beforeAll(async () => {
  server = await startRawServer();
});
afterAll(() => server.close());
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
});

function connect(extra: Partial<ApiClientOptions> = {}): ApiClient {
  const client = createApiClient({ baseUrl: server.url, ...credentials, retryLimit: 0, ...extra });
  clients.push(client);
  return client;
}

const invoice = json(200, { data: invoiceResource() });

describe('one keep-alive pool per client', () => {
  it('sends request after request over the connections it already has', async () => {
    server.answer(invoice);
    const before = server.connections.accepted;
    const api = connect();
    for (let i = 0; i < 20; i += 1) await api.getInvoice('cpoi_1');
    expect(server.requests).toHaveLength(20);
    // The pool may open a second connection when a request starts just before the first
    // connection is handed back; it never opens one per request.
    expect(server.connections.accepted - before).toBeLessThanOrEqual(2);
  });

  it('opens at most maxSockets connections; the other requests wait for one', async () => {
    const fresh = await startRawServer();
    try {
      fresh.answer(after(30, invoice));
      const api = createApiClient({ baseUrl: fresh.url, ...credentials, maxSockets: 3 });
      clients.push(api);
      const answers = await Promise.all(Array.from({ length: 12 }, () => api.getInvoice('cpoi_1')));
      expect(answers).toHaveLength(12);
      expect(fresh.requests).toHaveLength(12);
      expect(fresh.connections.accepted).toBe(3);
      expect(fresh.connections.mostOpen).toBe(3);
    } finally {
      await fresh.close();
    }
  });
});

describe('the per-attempt deadline', () => {
  it('ends an answer that trickles in without ever pausing long: a GET has no effect', async () => {
    // The answer never ends: without the deadline this test would hang (and fail on its timeout).
    server.answer(drip(20));
    const error = await connect({ timeoutMs: 300 }).getInvoice('cpoi_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', effect: 'none', causeCode: 'ETIMEDOUT' });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1), { timeout: 30_000, interval: 5 }); // arrived before the next test's answers are set
  });

  it('a create cut off the same way may have taken effect, and is not sent again', async () => {
    server.answer(drip(20));
    const error = await connect({ timeoutMs: 300, retryLimit: 3 }).createInvoice({ referenceId: 'ref-1', service: 'card', currency: 'USD', amount: '10', fields: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', effect: 'maybe', method: 'POST' });
    // On a starved machine the server (in this thread) may read the request only after the client
    // gave up on it: wait for it to arrive. A retry would have come before the error, making it 2+.
    await vi.waitFor(() => expect(server.requests).toHaveLength(1), { timeout: 30_000, interval: 5 });
  });
});

describe('retry timing', () => {
  it('the backoff base is an option', async () => {
    server.answer(json(503, internalError), json(503, internalError), invoice);
    const events: RetryEvent[] = [];
    await connect({ retryLimit: 2, retryBaseDelayMs: 5, onRetry: (e) => events.push(e) }).getInvoice('cpoi_1');
    expect(events.map((e) => e.attempt)).toEqual([1, 2]);
    expect(events[0]?.delayMs).toBeGreaterThanOrEqual(5);
    expect(events[0]?.delayMs).toBeLessThan(8);
    expect(events[1]?.delayMs).toBeGreaterThanOrEqual(10);
    expect(events[1]?.delayMs).toBeLessThan(13);
  });

  it('a Retry-After is reported as it arrives, so a throttle can hold every request for it', async () => {
    let reportedAt = 0;
    let arrivedWhenReported = -1;
    const arrivals: number[] = [];
    server.answer(
      (req, res) => {
        arrivals.push(Date.now());
        json(429, {}, { 'retry-after': '1' })(req, res);
      },
      (req, res) => {
        arrivals.push(Date.now());
        invoice(req, res);
      },
    );
    const onRetry = (): void => {
      reportedAt = Date.now();
      arrivedWhenReported = arrivals.length;
    };
    await connect({ retryLimit: 1, onRetry }).getInvoice('cpoi_1');
    // Reported after the 429 and at least the Retry-After before the retry: the report came before the wait.
    expect(arrivedWhenReported).toBe(1);
    expect((arrivals[1] ?? 0) - reportedAt).toBeGreaterThanOrEqual(950);
  });
});
