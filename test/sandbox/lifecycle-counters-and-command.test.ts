import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { runSandboxCommand } from '../../src/commands/sandbox.js';
import { call, create, createOk, open, processInvoice, testUsd } from './sandbox-calls.js';

describe('close()', () => {
  it('closes idle keep-alive sockets and in-flight requests without hanging', async () => {
    const sb = await open({ faults: { script: [{ endpoint: 'listServices', kind: 'delay', delayMs: 60_000 }] } });
    expect((await call(sb, 'GET', '/payout-invoices')).status).toBe(200); // leaves a keep-alive socket open
    const idle = connect(sb.port, '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));
    const idleClosed = new Promise((r) => idle.once('close', r));
    const stuck = fetch(`${sb.url}/payout-services`).catch((e: unknown) => e);
    await vi.waitFor(() => expect(sb.counters.requests.listServices).toBe(1), { timeout: 30_000, interval: 5 }); // the request is in, held by its delay
    await sb.close();
    await idleClosed;
    expect(await stuck).toBeInstanceOf(Error);
    await sb.close(); // twice is fine
  });

  it('frees the port for a new sandbox', async () => {
    const first = await open();
    const port = first.port;
    await first.close();
    const second = await open({ port });
    try {
      expect(second.url).toBe(`http://127.0.0.1:${port}/api`);
    } finally {
      await second.close();
    }
  });
});

describe('counters', () => {
  it('count requests per endpoint, connections, and per-reference creates and processes', async () => {
    const sb = await open();
    try {
      const socket = connect(sb.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.destroy();
      const id = await createOk(sb, testUsd('k-1'));
      await create(sb, testUsd('k-1'));
      await processInvoice(sb, id);
      await processInvoice(sb, id);
      await call(sb, 'GET', `/payout-invoices/${id}`);
      await call(sb, 'GET', '/nowhere');
      expect(sb.counters.requests).toEqual({
        prerequest: 0,
        listServices: 0,
        getService: 0,
        create: 2,
        process: 2,
        getInvoice: 1,
        listInvoices: 0,
      });
      expect(sb.counters.connections).toBeGreaterThanOrEqual(2);
      expect(sb.counters.createRequests).toEqual(new Map([['k-1', 2]]));
      expect(sb.counters.invoicesCreated).toEqual(new Map([['k-1', 1]]));
      expect(sb.counters.processRequests).toEqual(new Map([['k-1', 2]]));
      expect(sb.counters.processed).toEqual(new Map([['k-1', 1]]));

      const held = sb.counters;
      sb.resetCounters();
      expect(held.requests.create).toBe(0);
      expect(held.connections).toBe(0);
      expect(held.createRequests.size).toBe(0);
      expect(held.faultsInjected).toEqual({});
      expect(sb.invoices()).toHaveLength(1);
    } finally {
      await sb.close();
    }
  });
});

describe('runSandboxCommand', () => {
  it('prints the base URL and the credentials as .env lines, with faults from the options', async () => {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    });
    const sb = await runSandboxCommand({ failRate: 1, seed: 5 }, out);
    try {
      const lines = text.trim().split('\n');
      expect(lines[0]).toMatch(/^# /);
      expect(lines.slice(1)).toEqual([
        `MILKYPAY_API_URL=${sb.url}`,
        'MILKYPAY_PUBLIC_KEY=pk_test_sandbox0000000000000000000000000000',
        'MILKYPAY_KEY_ID=sandbox_key_id',
        'MILKYPAY_SECRET_KEY=sk_test_sandbox_secret_do_not_use_live',
      ]);
      expect((await call(sb, 'GET', '/payout-services')).status).toBe(500);
    } finally {
      await sb.close();
    }
  });

  it('uses a fixed live public key with liveMode', async () => {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    });
    const sb = await runSandboxCommand({ liveMode: true }, out);
    try {
      expect(text).toContain('MILKYPAY_PUBLIC_KEY=pk_live_');
      expect(sb.credentials.publicKey).toMatch(/^pk_live_/);
    } finally {
      await sb.close();
    }
  });
});
