import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import { basicAuth, call, create, createBody, createOk, open, processInvoice, rawExchange, rawPost, testUsd } from './sandbox-calls.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function start(opts: SandboxOptions = {}): Promise<Sandbox> {
  sb = await open(opts);
  return sb;
}

describe('scripted faults', () => {
  it('status: answers the document body once, with no effect', async () => {
    const s = await start({ faults: { script: [{ endpoint: 'create', kind: 'status', status: 500 }] } });
    const failed = await create(s, testUsd('s-1'));
    expect(failed.status).toBe(500);
    expect(failed.json).toEqual({
      errors: [{ status: 'internal_error', code: '500', title: 'internal_error', detail: 'Internal server error.' }],
    });
    expect(s.invoices()).toHaveLength(0);
    expect((await create(s, testUsd('s-1'))).status).toBe(201);
    expect(s.counters.createRequests.get('s-1')).toBe(2);
    expect(s.counters.requests.create).toBe(2);
    expect(s.counters.faultsInjected).toEqual({ status: 1 });
  });

  it('answers 502, 503 and 504 in the list form', async () => {
    const s = await start({
      faults: {
        script: [502, 503, 504].map((status) => ({ endpoint: 'listServices' as const, kind: 'status' as const, status })),
      },
    });
    for (const [status, name] of [
      [502, 'Bad Gateway'],
      [503, 'Service Unavailable'],
      [504, 'Gateway Timeout'],
    ] as const) {
      const answer = await call(s, 'GET', '/payout-services');
      expect(answer.status).toBe(status);
      expect(answer.json.errors[0]).toMatchObject({ status: name, code: String(status) });
    }
    expect((await call(s, 'GET', '/payout-services')).status).toBe(200);
  });

  it('matches by reference and applies `times` times', async () => {
    const s = await start({
      faults: { script: [{ endpoint: 'create', referenceId: 'target', kind: 'status', status: 503, times: 2 }] },
    });
    expect((await create(s, testUsd('other'))).status).toBe(201);
    expect((await create(s, testUsd('target'))).status).toBe(503);
    expect((await create(s, testUsd('target'))).status).toBe(503);
    expect((await create(s, testUsd('target'))).status).toBe(201);
  });

  it('matches process and getInvoice by the invoice reference', async () => {
    const s = await start();
    const a = await createOk(s, testUsd('a'));
    const b = await createOk(s, testUsd('b'));
    s.setFaults({
      script: [
        { endpoint: 'process', referenceId: 'b', kind: 'status', status: 503 },
        { endpoint: 'getInvoice', referenceId: 'a', kind: 'status', status: 502 },
      ],
    });
    expect((await processInvoice(s, a)).status).toBe(200);
    expect((await processInvoice(s, b)).status).toBe(503);
    expect(s.invoices().find((i) => i.id === b)?.status).toBe('created');
    expect((await call(s, 'GET', `/payout-invoices/${b}`)).status).toBe(200);
    expect((await call(s, 'GET', `/payout-invoices/${a}`)).status).toBe(502);
    expect(s.counters.processRequests.get('b')).toBe(1);
    expect(s.counters.processed.get('b')).toBeUndefined();
  });

  it('commit-then-500: the invoice is created, the answer is a 500', async () => {
    const s = await start({ faults: { script: [{ endpoint: 'create', kind: 'commit-then-500' }] } });
    const answer = await create(s, testUsd('c-1'));
    expect(answer.status).toBe(500);
    expect(s.counters.invoicesCreated.get('c-1')).toBe(1);
    const lookup = await call(s, 'GET', '/payout-invoices?filter[reference_id]=c-1');
    expect(lookup.json.data).toHaveLength(1);
    expect((await create(s, testUsd('c-1'))).status).toBe(409);
    expect(s.counters.faultsInjected).toEqual({ 'commit-then-500': 1 });
  });

  it('commit-then-drop: the invoice is processed, the socket closes without a byte', async () => {
    const s = await start();
    const id = await createOk(s, testUsd('d-1'));
    s.setFaults({ script: [{ endpoint: 'process', kind: 'commit-then-drop' }] });
    const exchange = await rawExchange(s, rawPost(s, `/payout-invoices/${id}/process`, ''));
    expect(exchange).toEqual({ received: '', closed: true });
    expect(s.invoices()[0]?.status).toBe('processed');
    expect(s.counters.processed.get('d-1')).toBe(1);
  });

  it('drop: nothing happens and the client sees a dropped connection', async () => {
    const s = await start({ faults: { script: [{ endpoint: 'create', kind: 'drop', times: 2 }] } });
    const exchange = await rawExchange(s, rawPost(s, '/payout-invoices', createBody(testUsd('x-1'))));
    expect(exchange).toEqual({ received: '', closed: true });
    await expect(create(s, testUsd('x-1'))).rejects.toThrow(/fetch failed/);
    expect(s.invoices()).toHaveLength(0);
    expect(s.counters.createRequests.get('x-1')).toBe(2);
    expect(s.counters.faultsInjected).toEqual({ drop: 2 });
    expect((await create(s, testUsd('x-1'))).status).toBe(201);
  });

  it('rate-limit: 429 with Retry-After and the list body, no effect', async () => {
    const s = await start({ faults: { script: [{ endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 3 }] } });
    const answer = await create(s, testUsd('r-1'));
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('3');
    expect(answer.json.errors[0]).toMatchObject({ status: 'Too Many Requests', code: '429', title: 'too_many_requests' });
    expect(s.invoices()).toHaveLength(0);
  });

  it('delay: the work is still done when the client gave up waiting', async () => {
    // The client gives up once the sandbox holds its request (an event, not a timer racing the delay).
    const s = await start({ faults: { script: [{ endpoint: 'create', kind: 'delay', delayMs: 2000 }] } });
    const giveUp = new AbortController();
    const aborted = fetch(`${s.url}/payout-invoices`, {
      method: 'POST',
      headers: { authorization: basicAuth(s), 'content-type': 'application/json' },
      body: createBody(testUsd('late-1')),
      signal: giveUp.signal,
    });
    await vi.waitFor(() => expect(s.counters.faultsInjected).toEqual({ delay: 1 }), { timeout: 30_000, interval: 5 });
    expect(s.invoices()).toHaveLength(0);
    giveUp.abort();
    await expect(aborted).rejects.toThrow();
    await vi.waitFor(() => expect(s.invoices().map((i) => i.referenceId)).toEqual(['late-1']), { timeout: 30_000, interval: 10 });
  });
});

describe('random faults', () => {
  async function statuses(seed: number, count: number): Promise<number[]> {
    const s = await open({ seed, faults: { errorRates: { 503: 0.3 }, rateLimit: { rate: 0.1, retryAfterSeconds: 1 } } });
    try {
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push((await call(s, 'GET', '/payout-services?page[size]=1')).status);
      return out;
    } finally {
      await s.close();
    }
  }

  it('repeat with the same seed and hit at roughly their rates', async () => {
    const first = await statuses(11, 60);
    expect(await statuses(11, 60)).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(503);
    expect(first).toContain(429);
    expect(await statuses(12, 60)).not.toEqual(first);
  });

  it('hit only the endpoints named', async () => {
    const s = await start({ faults: { errorRates: { 500: 1 }, endpoints: ['create'] } });
    expect((await call(s, 'GET', '/payout-services')).status).toBe(200);
    expect((await create(s, testUsd('e-1'))).status).toBe(500);
    expect(s.invoices()).toHaveLength(0);
  });

  it('commitThenFail commits create and process, and spares reads', async () => {
    const s = await start({ faults: { commitThenFail: { rate: 1, mode: '500' } } });
    expect((await create(s, testUsd('ctf-1'))).status).toBe(500);
    const id = s.invoices()[0]?.id ?? '';
    expect((await processInvoice(s, id)).status).toBe(500);
    expect(s.invoices()[0]?.status).toBe('processed');
    expect((await call(s, 'GET', `/payout-invoices/${id}`)).status).toBe(200);
    expect(s.counters.faultsInjected).toEqual({ 'commit-then-500': 2 });
  });

  it('commitThenFail in drop mode closes the socket after committing', async () => {
    const s = await start({ faults: { commitThenFail: { rate: 1, mode: 'drop' } } });
    const exchange = await rawExchange(s, rawPost(s, '/payout-invoices', createBody(testUsd('ctd-1'))));
    expect(exchange).toEqual({ received: '', closed: true });
    expect(s.counters.invoicesCreated.get('ctd-1')).toBe(1);
  });

  it('dropRate and rateLimit at 1 hit every request; setFaults({}) clears them', async () => {
    const s = await start({ faults: { dropRate: 1 } });
    await expect(call(s, 'GET', '/payout-services')).rejects.toThrow();
    s.setFaults({ rateLimit: { rate: 1, retryAfterSeconds: 2 } });
    const limited = await call(s, 'GET', '/payout-services');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    s.setFaults({});
    expect((await call(s, 'GET', '/payout-services')).status).toBe(200);
    expect(s.counters.requests.listServices).toBe(3);
    expect(s.counters.faultsInjected).toEqual({ drop: 1, 'rate-limit': 1 });
  });

  it('latency delays every answer (a client timeout shorter than it fires)', async () => {
    const s = await start({ faults: { latencyMs: 1000 } });
    await expect(fetch(`${s.url}/payout-services`, { headers: { authorization: basicAuth(s) }, signal: AbortSignal.timeout(50) })).rejects.toThrow();
    s.setFaults({});
    expect((await call(s, 'GET', '/payout-services')).status).toBe(200);
  });
});
