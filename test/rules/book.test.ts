import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRulesBook } from '../../src/rules/book.js';
import { validateRecord } from '../../src/rules/validate.js';
import { row } from './rules-fixtures.js';
import { startHarness, type Harness } from './sandbox-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.resetCounters());

const requests = () => ({ prerequest: h.sandbox.counters.requests.prerequest, listServices: h.sandbox.counters.requests.listServices });

describe('the rules book against the sandbox', () => {
  it('finds swift_usd, on the last page of /payout-services only, known and enabled', async () => {
    const book = createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'last-page', refresh: true });
    const usd = await book.forCurrency('USD');
    expect(usd.services.get('swift_usd')).toMatchObject({ code: 'swift_usd', known: true, enabled: true, available: true, serviceCurrency: 'USD' });
    expect(usd.catalogue.size).toBe(168);
    const result = validateRecord(row({ service: 'swift_usd', 'fields.account': 'GB29NWBK60161331' }), usd);
    expect(result).toMatchObject({ ok: true, payout: { service: 'swift_usd', amount: '10.50' } });
  });

  it('normalises the API’s doubled-backslash regexps so good values pass and bad ones fail', async () => {
    const book = createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'regexps', refresh: true });
    const usd = await book.forCurrency('USD');
    const account = usd.services.get('test_usd')?.fields.find((f) => f.key === 'account');
    expect(account).toMatchObject({ required: true, source: '^\\d{1,15}$' });
    expect(validateRecord(row({ 'fields.account': '123456789012345' }), usd).ok).toBe(true);
    expect(validateRecord(row({ 'fields.account': '12a' }), usd)).toMatchObject({ errorCode: 'field_mismatch' });
  });

  it('rejects the disabled and the unavailable service', async () => {
    const book = createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'flags', refresh: true });
    const disabled = row({ service: 'bank_transfer_usd_disabled', 'fields.account': 'GB29NWBK60161331', amount: '50' });
    expect(validateRecord(disabled, await book.forCurrency('USD'))).toMatchObject({ errorCode: 'service_disabled' });
    const unavailable = row({ service: 'sepa_eur_unavailable', currency: 'EUR', 'fields.account': 'DE89370400440532013000', 'fields.beneficiary_name': 'Max Muster' });
    expect(validateRecord(unavailable, await book.forCurrency('EUR'))).toMatchObject({ errorCode: 'service_unavailable' });
  });

  it('applies the exchange rate of a service offered for another currency', async () => {
    const book = createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'rate', refresh: true });
    const eur = await book.forCurrency('EUR');
    expect(eur.services.get('test_usd')).toMatchObject({ exchangeRate: '1.08', serviceCurrency: 'USD', currency: 'EUR' });
  });

  it('offers nothing for a currency the API refuses', async () => {
    const book = createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'xyz', refresh: true });
    const xyz = await book.forCurrency('XYZ');
    expect(xyz.services.size).toBe(0);
    expect(validateRecord(row({ currency: 'XYZ' }), xyz)).toMatchObject({ errorCode: 'invalid_currency' }); // not ISO 4217
    const isk = await book.forCurrency('ISK');
    expect(isk.services.size).toBe(0);
    expect(validateRecord(row({ currency: 'ISK' }), isk)).toMatchObject({ errorCode: 'currency_not_offered', column: 'currency' });
  });

  it('asks the API once per currency and once for the list per run', async () => {
    const book = createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'once', refresh: true });
    await Promise.all([book.forCurrency('USD'), book.forCurrency('USD'), book.forCurrency('EUR'), book.serviceCurrency('test_usd')]);
    await book.forCurrency('USD');
    expect(requests()).toEqual({ prerequest: 2, listServices: 2 }); // 168 services in pages of 100
    expect(await book.serviceCurrency('payment_card_eur')).toBe('EUR');
    expect(await book.serviceCurrency('nope')).toBeUndefined();
  });
});

describe('the disk cache', () => {
  it('reuses answers younger than the TTL, across runs, in a directory it creates', async () => {
    let now = 1_000_000;
    const opts = { cacheDir: h.cacheDir, cacheKey: 'ttl', ttlMs: 60_000, now: () => now };
    await createRulesBook(h.source, opts).forCurrency('USD');
    expect(requests()).toEqual({ prerequest: 1, listServices: 2 });
    expect(readdirSync(h.cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    now += 59_000;
    const cached = await createRulesBook(h.source, opts).forCurrency('USD');
    expect(cached.services.get('swift_usd')?.known).toBe(true);
    expect(cached.services.get('test_usd')?.fields[0]?.pattern?.test('123')).toBe(true);
    expect(requests()).toEqual({ prerequest: 1, listServices: 2 });

    now += 2_000; // past the TTL
    await createRulesBook(h.source, opts).forCurrency('USD');
    expect(requests()).toEqual({ prerequest: 2, listServices: 4 });
  });

  it('refetches when asked to refresh', async () => {
    const opts = { cacheDir: h.cacheDir, cacheKey: 'refresh' };
    await createRulesBook(h.source, opts).forCurrency('GBP');
    await createRulesBook(h.source, { ...opts, refresh: true }).forCurrency('GBP');
    expect(requests()).toEqual({ prerequest: 2, listServices: 4 });
  });

  it('does not share answers between API keys', async () => {
    await createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'key-a' }).forCurrency('JPY');
    await createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'key-b' }).forCurrency('JPY');
    expect(requests().prerequest).toBe(2);
  });

  it.each([
    ['not JSON', '{"version":1,"cacheKey":'],
    ['the wrong shape', JSON.stringify({ version: 1, cacheKey: 'corrupt', fetchedAt: Date.now(), data: [{ service: 1 }] })],
    ['from the future', JSON.stringify({ version: 1, cacheKey: 'corrupt', fetchedAt: Date.now() + 86_400_000, data: [] })],
  ])('ignores a cache file that is %s and rewrites it', async (_, content) => {
    const opts = { cacheDir: h.cacheDir, cacheKey: 'corrupt' };
    await createRulesBook(h.source, { ...opts, refresh: true }).forCurrency('KWD');
    const file = readdirSync(h.cacheDir).map((f) => join(h.cacheDir, f)).find((f) => readFileSync(f, 'utf8').includes('"cacheKey":"corrupt"') && f.includes('payout-services'));
    expect(file).toBeDefined();
    writeFileSync(file!, content);
    h.sandbox.resetCounters();
    const rules = await createRulesBook(h.source, opts).forCurrency('KWD');
    expect(rules.services.get('test_kwd')?.known).toBe(true);
    expect(requests()).toEqual({ prerequest: 0, listServices: 2 });
    expect(JSON.parse(readFileSync(file!, 'utf8'))).toMatchObject({ version: 1, cacheKey: 'corrupt' });
  });

  it('goes on without the cache when it cannot be written, and says so', async () => {
    const errors: Error[] = [];
    const blocker = join(h.cacheDir, '..', 'a-file');
    writeFileSync(blocker, 'x');
    const book = createRulesBook(h.source, { cacheDir: join(blocker, 'sub'), cacheKey: 'ro', onCacheError: (e) => errors.push(e) });
    expect((await book.forCurrency('USD')).services.size).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
  });
});
