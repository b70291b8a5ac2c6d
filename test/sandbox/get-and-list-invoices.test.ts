import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, createOk, open, processInvoice, testUsd } from './sandbox-calls.js';

let sb: Sandbox;
const ids: string[] = [];
beforeAll(async () => {
  sb = await open();
  for (let i = 0; i < 45; i++) ids.push(await createOk(sb, testUsd(`list-${i}`, {}, `${i + 1}.50`)));
  await processInvoice(sb, ids[0] ?? '');
});
afterAll(() => sb.close());

describe('GET /payout-invoices/{id}', () => {
  it('answers the private JSON:API shape with BasicAuth', async () => {
    const answer = await call(sb, 'GET', `/payout-invoices/${ids[0]}`);
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({
      type: 'payout-invoices',
      id: ids[0],
      attributes: { status: 'processed', reference_id: 'list-0', amount: 1.5, callback_logs: [] },
      relationships: { customer: { data: null } },
    });
  });

  it('answers the public flat shape with the public key and no auth', async () => {
    const answer = await call(sb, 'GET', `/payout-invoices/${ids[0]}?public_key=${sb.credentials.publicKey}`, { auth: false });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      data: {
        id: ids[0],
        serial_number: ids[0]?.slice(5),
        created: expect.any(Number),
        status: 'processed',
        resolution: 'ok',
        test_mode: true,
        currency: 'USD',
        amount: 1.5,
        payout_amount: 1.5,
        service: 'test_usd',
        service_amount: 1.5,
        service_payout_amount: 1.5,
        service_method: 'test',
        service_currency: 'USD',
        processed: expect.any(Number),
        processed_amount: 1.5,
      },
    });
  });

  it('answers 401 without credentials, with a wrong public key, or with wrong BasicAuth', async () => {
    const unauthorized = { errors: [{ status: 'Unauthorized', code: '401' }] };
    expect((await call(sb, 'GET', `/payout-invoices/${ids[0]}`, { auth: false })).json).toEqual(unauthorized);
    expect((await call(sb, 'GET', `/payout-invoices/${ids[0]}?public_key=pk_test_other`, { auth: false })).status).toBe(401);
    const wrongAuth = await call(sb, 'GET', `/payout-invoices/${ids[0]}?public_key=${sb.credentials.publicKey}`, {
      auth: 'Basic Zm9vOmJhcg==',
    });
    expect(wrongAuth.status).toBe(401);
  });

  it('answers 404 for an unknown id', async () => {
    const answer = await call(sb, 'GET', '/payout-invoices/cpoi_unknown000000000');
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ errors: [{ status: 'Not Found', code: '404' }] });
  });
});

describe('GET /payout-invoices', () => {
  it('walks every invoice newest first through page[after] cursors', async () => {
    const seen: string[] = [];
    let path = '/payout-invoices?page[size]=20';
    for (let guard = 0; guard < 10 && path; guard++) {
      const answer = await call(sb, 'GET', path);
      expect(answer.status).toBe(200);
      const { meta, links, data } = answer.json;
      expect(meta).toEqual({ count: data.length, size: 20, before: data[0].id, after: data[data.length - 1].id });
      expect(data[0].attributes.callback_logs).toBeUndefined();
      seen.push(...data.map((d: { id: string }) => d.id));
      if (links.next) expect(links.next).toBe(`/api/payout-invoices?page[after]=${meta.after}&page[size]=20`);
      path = links.next ? links.next.replace(/^\/api/, '') : '';
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('links back with page[before] and answers "" at both ends', async () => {
    const first = await call(sb, 'GET', '/payout-invoices?page[size]=10');
    expect(first.json.links.prev).toBe('');
    const second = await call(sb, 'GET', `/payout-invoices?page[size]=10&page[after]=${first.json.meta.after}`);
    expect(second.json.links.prev).toBe(`/api/payout-invoices?page[before]=${second.json.meta.before}&page[size]=10`);
    const back = await call(sb, 'GET', second.json.links.prev.replace(/^\/api/, ''));
    expect(back.json.data.map((d: { id: string }) => d.id)).toEqual(first.json.data.map((d: { id: string }) => d.id));
    const last = await call(sb, 'GET', `/payout-invoices?page[size]=100`);
    expect(last.json.links).toEqual({ prev: '', next: '' });
    expect(last.json.data).toHaveLength(45);
  });

  it('finds one invoice by filter[reference_id], none for an unknown reference', async () => {
    const found = await call(sb, 'GET', '/payout-invoices?filter[reference_id]=list-7');
    expect(found.json.data).toHaveLength(1);
    expect(found.json.data[0]).toMatchObject({ id: ids[7], attributes: { reference_id: 'list-7', amount: 8.5 } });
    const none = await call(sb, 'GET', '/payout-invoices?filter%5Breference_id%5D=missing');
    expect(none.status).toBe(200);
    expect(none.json).toEqual({ meta: { count: 0, size: 20, before: null, after: null }, links: { prev: '', next: '' }, data: [] });
  });

  it('refuses an unknown cursor, and answers 401 without auth', async () => {
    expect((await call(sb, 'GET', '/payout-invoices?page[after]=cpoi_nope')).status).toBe(400);
    expect((await call(sb, 'GET', '/payout-invoices', { auth: false })).status).toBe(401);
  });
});
