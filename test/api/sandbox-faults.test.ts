import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient, RetryEvent } from '../../src/api/index.js';
import { startHarness, testUsdInvoice, type SandboxHarness } from './helpers/sandbox-client.js';

let harness: SandboxHarness;
let retries: RetryEvent[];
let api: ApiClient;
/** Every wait the client asked for before a retry: checked instead of sat out. */
let waits: number[];
beforeAll(async () => {
  harness = await startHarness();
  api = harness.client({ retryLimit: 2, timeoutMs: 500, onRetry: (e) => retries.push(e), sleep: async (ms) => void waits.push(ms) });
});
afterAll(() => harness.close());
beforeEach(() => {
  retries = [];
  waits = [];
  harness.sandbox.setFaults({});
  harness.sandbox.resetCounters();
});

const counters = () => harness.sandbox.counters;

describe('creates that may have happened are not retried', () => {
  it('commit-then-500: effect maybe, one request, and the invoice exists', async () => {
    const req = testUsdInvoice();
    harness.sandbox.setFaults({ script: [{ endpoint: 'create', referenceId: req.referenceId, kind: 'commit-then-500' }] });
    const error = await api.createInvoice(req).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 500, effect: 'maybe' });
    expect(counters().createRequests.get(req.referenceId)).toBe(1);
    expect(counters().invoicesCreated.get(req.referenceId)).toBe(1);
    expect(await api.findInvoiceByReference(req.referenceId)).toMatchObject({ referenceId: req.referenceId, status: 'created' });
    expect(retries).toEqual([]);
  });

  it('commit-then-drop: a network error with effect maybe, one request', async () => {
    const req = testUsdInvoice();
    harness.sandbox.setFaults({ script: [{ endpoint: 'create', referenceId: req.referenceId, kind: 'commit-then-drop' }] });
    const error = await api.createInvoice(req).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', effect: 'maybe', method: 'POST' });
    expect(counters().createRequests.get(req.referenceId)).toBe(1);
    expect(counters().invoicesCreated.get(req.referenceId)).toBe(1);
  });

  it('a plain 503 on create is not retried either', async () => {
    const req = testUsdInvoice();
    harness.sandbox.setFaults({ script: [{ endpoint: 'create', kind: 'status', status: 503 }] });
    const error = await api.createInvoice(req).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 503, effect: 'maybe' });
    expect(counters().requests.create).toBe(1);
  });

  it('a dropped process request is not retried', async () => {
    const req = testUsdInvoice();
    const invoice = await api.createInvoice(req);
    harness.sandbox.setFaults({ script: [{ endpoint: 'process', kind: 'drop' }] });
    const error = await api.processInvoice(invoice.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', effect: 'maybe', endpoint: `/payout-invoices/${invoice.id}/process` });
    expect(counters().requests.process).toBe(1);
  });

  it('a slow create is a timeout with effect maybe', async () => {
    harness.sandbox.setFaults({ script: [{ endpoint: 'create', kind: 'delay', delayMs: 1_500 }] });
    const error = await api.createInvoice(testUsdInvoice()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', effect: 'maybe' });
    expect(counters().requests.create).toBe(1);
  });
});

describe('refusals are retried by the client', () => {
  it('a 429 on create is not retried by the client (it may be a duplicate): one request, the wait in the error', async () => {
    const req = testUsdInvoice();
    harness.sandbox.setFaults({ script: [{ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 1 }] });
    const error = await api.createInvoice(req).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 429, retryAfterMs: 1000 });
    expect(counters().createRequests.get(req.referenceId)).toBe(1);
    expect(retries).toHaveLength(0);
    expect(waits).toEqual([]);
  });

  it('commit-then-429: the create takes effect, then the answer is a 429 with Retry-After', async () => {
    const req = testUsdInvoice();
    harness.sandbox.setFaults({ script: [{ endpoint: 'create', kind: 'commit-then-429', retryAfterSeconds: 2 }] });
    const error = await api.createInvoice(req).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 429, retryAfterMs: 2000 });
    expect(counters().invoicesCreated.get(req.referenceId)).toBe(1);
    expect(await api.findInvoiceByReference(req.referenceId)).toMatchObject({ referenceId: req.referenceId });
  });

  it('a 429 with Retry-After on a GET is retried', async () => {
    harness.sandbox.setFaults({ script: [{ endpoint: 'listServices', kind: 'rate-limit', retryAfterSeconds: 1 }] });
    const page = await api.payoutServicesPage(1, 20);
    expect(page.items).toHaveLength(20);
    expect(counters().requests.listServices).toBe(2);
    expect(retries.map((r) => r.error.status)).toEqual([429]);
    expect(waits).toEqual([1000]);
  });
});

describe('reads retry server errors and dropped connections', () => {
  it('a 500 then a 503 on a GET, then the answer', async () => {
    const invoice = await api.createInvoice(testUsdInvoice());
    harness.sandbox.setFaults({
      script: [
        { endpoint: 'getInvoice', kind: 'status', status: 500 },
        { endpoint: 'getInvoice', kind: 'status', status: 503 },
      ],
    });
    expect((await api.getInvoice(invoice.id)).id).toBe(invoice.id);
    expect(counters().requests.getInvoice).toBe(3);
    expect(retries.map((r) => r.error.status)).toEqual([500, 503]);
  });

  it('a dropped GET is retried', async () => {
    const req = testUsdInvoice();
    await api.createInvoice(req);
    harness.sandbox.setFaults({ script: [{ endpoint: 'listInvoices', kind: 'drop' }] });
    expect(await api.findInvoiceByReference(req.referenceId)).toMatchObject({ referenceId: req.referenceId });
    expect(counters().requests.listInvoices).toBe(2);
    expect(retries.map((r) => r.error.kind)).toEqual(['network']);
  });
});
