import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, createOk, open, testUsd } from './sandbox-calls.js';

describe('switching a running sandbox to live mode (same URL, same keys)', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await open();
  });
  afterEach(async () => {
    await sb.close();
  });
  const modes = async (): Promise<boolean[]> => {
    const pre = await call(sb, 'POST', '/payout-prerequest', { auth: false, body: JSON.stringify({ public_key: sb.credentials.publicKey, currency: 'USD' }) });
    const services = await call(sb, 'GET', '/payout-services?page[size]=1');
    return [pre.json.data.test_mode, services.json.data[0].attributes.test_mode];
  };

  it('setLiveMode and POST /__sandbox/live-mode change test_mode in every answer, and back', async () => {
    expect(await modes()).toEqual([true, true]);
    sb.setLiveMode(true);
    expect(await modes()).toEqual([false, false]);
    const id = await createOk(sb, testUsd('live-1'));
    expect((await call(sb, 'GET', `/payout-invoices/${id}`)).json.data.attributes.test_mode).toBe(false);

    const back = await fetch(`http://127.0.0.1:${sb.port}/__sandbox/live-mode?live=false`, { method: 'POST' });
    expect(await back.json()).toEqual({ test_mode: true });
    expect(await modes()).toEqual([true, true]);
    await fetch(`http://127.0.0.1:${sb.port}/__sandbox/live-mode`, { method: 'POST' });
    expect(await modes()).toEqual([false, false]);
    expect((await fetch(`http://127.0.0.1:${sb.port}/__sandbox/live-mode`)).status).toBe(405);
  });
});
