import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { create, createOk, open, processInvoice, testUsd } from './sandbox-calls.js';

/** The debug endpoint lives beside `/api`, not under it. */
async function debugGet(sb: Sandbox, method = 'GET'): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${sb.port}/__sandbox/counters`, { method });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('GET /__sandbox/counters', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await open({ faults: { script: [{ endpoint: 'process', kind: 'status', status: 500, times: 1 }] } });
  });
  afterEach(async () => {
    await sb.close();
  });

  it('answers the counters as JSON without credentials, Maps as objects keyed by reference', async () => {
    const id = await createOk(sb, testUsd('dbg-1'));
    await create(sb, testUsd('dbg-1')); // 409: a second create request, no second invoice
    await processInvoice(sb, id); // scripted 500
    await processInvoice(sb, id);
    const { status, json } = await debugGet(sb);
    expect(status).toBe(200);
    expect(json.requests).toMatchObject({ create: 2, process: 2, getInvoice: 0 });
    expect(json.createRequests).toEqual({ 'dbg-1': 2 });
    expect(json.invoicesCreated).toEqual({ 'dbg-1': 1 });
    expect(json.processRequests).toEqual({ 'dbg-1': 2 });
    expect(json.processed).toEqual({ 'dbg-1': 1 });
    expect(json.faultsInjected).toEqual({ status: 1 });
    expect(json.connections).toBe(sb.counters.connections);
    expect(json.connections).toBeGreaterThanOrEqual(1);
  });

  it('counts as no API request and refuses anything but GET', async () => {
    await debugGet(sb);
    expect((await debugGet(sb, 'POST')).status).toBe(405);
    const { json } = await debugGet(sb);
    expect(Object.values(json.requests as Record<string, number>).every((n) => n === 0)).toBe(true);
    expect(Object.values(sb.counters.requests).every((n) => n === 0)).toBe(true);
  });
});
