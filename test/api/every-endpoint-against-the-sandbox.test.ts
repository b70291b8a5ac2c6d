import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/api/transport.js';
import type { ApiClient } from '../../src/api/index.js';
import { startHarness, testUsdInvoice, type SandboxHarness } from './helpers/sandbox-client.js';

let harness: SandboxHarness;
let api: ApiClient;
beforeAll(async () => {
  harness = await startHarness();
  api = harness.client({ retryLimit: 0 });
});
afterAll(() => harness.close());

describe('pre-request (public)', () => {
  it('lists the services for a currency with their field rules as sent', async () => {
    const pre = await api.prerequest('USD');
    expect(pre).toMatchObject({ currency: 'USD', testMode: true });
    const testUsd = pre.services.find((s) => s.code === 'test_usd');
    expect(testUsd).toMatchObject({ method: 'test', currency: 'USD', amountMin: '0.01', amountMax: '9999999', exchangeRate: '1' });
    expect(testUsd?.fields[0]).toEqual({ key: 'account', type: 'string', required: true, regexp: '^\\\\d{1,15}$', label: 'Account' });
  });

  it('filters the services by amount', async () => {
    const all = await api.prerequest('USD');
    const large = await api.prerequest('USD', '6000.00');
    expect(all.services.map((s) => s.code)).toContain('payment_card_usd');
    expect(large.services.map((s) => s.code)).not.toContain('payment_card_usd');
    expect(large.services.map((s) => s.code)).toContain('test_usd');
  });
});

describe('payout services (private, paged)', () => {
  it('walks all 9 pages of 20 and the full list agrees with them', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 9; n++) {
      const page = await api.payoutServicesPage(n, 20);
      expect(page).toMatchObject({ page: n, pages: 9, total: 168 });
      ids.push(...page.items.map((s) => s.id));
    }
    expect(new Set(ids).size).toBe(168);
    const all = await api.listPayoutServices();
    expect(all.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(all.find((s) => s.service === 'swift_usd')).toBeDefined();
  });

  it('reads one service by id with the flags and limits of the list', async () => {
    const all = await api.listPayoutServices();
    const disabled = all.find((s) => s.service === 'bank_transfer_usd_disabled');
    expect(disabled).toMatchObject({ enabled: false, available: true, amountMin: '10', serviceCurrency: 'USD' });
    expect(await api.getPayoutService(disabled?.id ?? '')).toEqual(disabled);
  });
});

describe('invoices', () => {
  it('creates, processes and reads back an invoice in both shapes', async () => {
    const req = testUsdInvoice({ amount: '12.34', description: 'api test' });
    const created = await api.createInvoice(req);
    expect(created).toMatchObject({ referenceId: req.referenceId, status: 'created', service: 'test_usd', currency: 'USD', amount: '12.34', testMode: true });
    expect(created.fields).toEqual({ account: '12345' });

    const processed = await api.processInvoice(created.id);
    expect(processed.id).toBe(created.id);
    expect(processed.status).not.toBe('created');

    const read = await api.getInvoice(created.id);
    expect(read).toMatchObject({ id: created.id, referenceId: req.referenceId, status: processed.status, amount: '12.34' });

    const pub = await api.getInvoicePublic(created.id);
    expect(pub).toMatchObject({ id: created.id, referenceId: null, status: processed.status, service: 'test_usd', currency: 'USD', amount: '12.34', fee: null, fields: {} });
  });

  it('finds an invoice by its reference, and nothing for an unknown one', async () => {
    const req = testUsdInvoice();
    const created = await api.createInvoice(req);
    expect(await api.findInvoiceByReference(req.referenceId)).toMatchObject({ id: created.id, referenceId: req.referenceId });
    expect(await api.findInvoiceByReference(`${req.referenceId}-never-sent`)).toBeUndefined();
  });

  it('pages through the invoice list with cursors until there is no next', async () => {
    const made = new Set<string>();
    for (let i = 0; i < 5; i++) made.add((await api.createInvoice(testUsdInvoice())).id);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await api.listInvoices({ size: 2, ...(after ? { after } : {}) });
      expect(page.invoices.length).toBeLessThanOrEqual(2);
      seen.push(...page.invoices.map((i) => i.id));
      after = page.next;
      pages++;
    } while (after !== undefined && pages < 100);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of made) expect(seen).toContain(id);
    expect(pages).toBeGreaterThanOrEqual(3);
  });
});

describe('API errors', () => {
  it('a duplicate reference is a 409 with no effect', async () => {
    const req = testUsdInvoice();
    await api.createInvoice(req);
    const error = await api.createInvoice(req).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 409, effect: 'none', code: 'http_409' });
  });

  it('server-side validation answers 422 with the object form', async () => {
    const error = await api.createInvoice(testUsdInvoice({ amount: '0' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 422, effect: 'none', items: [] });
    expect(Object.keys((error as { fieldErrors: object }).fieldErrors)).toContain('amount');
  });

  it('wrong credentials are a 401 with the list form', async () => {
    const intruder = harness.client({ retryLimit: 0, secretKey: 'wrong' });
    const error = await intruder.listPayoutServices().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 401, effect: 'none', items: [{ status: 'Unauthorized', code: '401' }] });
  });

  it('an unknown invoice is a 404', async () => {
    const error = await api.getInvoice('cpoi_doesNotExist').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 404, endpoint: '/payout-invoices/cpoi_doesNotExist', items: [{ status: 'Not Found', code: '404' }] });
  });

  it('a method the endpoint does not allow is a 405', async () => {
    const transport = createTransport({ baseUrl: harness.sandbox.url, ...harness.sandbox.credentials, retryLimit: 0 });
    try {
      const error = await transport.send({ method: 'GET', path: '/payout-prerequest', auth: 'public' }, (body) => body).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'http', status: 405, items: [{ status: 'Method Not Allowed', code: '405' }] });
    } finally {
      transport.close();
    }
  });
});
