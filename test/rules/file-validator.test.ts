import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openInput } from '../../src/csv/input.js';
import { createRulesBook } from '../../src/rules/book.js';
import type { ValidationResult } from '../../src/rules/validation-failure.js';
import { createValidator } from '../../src/rules/file-validator.js';
import { writeInput } from '../csv/input-helpers.js';
import { startHarness, type Harness } from './sandbox-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.resetCounters());

async function validateFile(content: string): Promise<ValidationResult[]> {
  const file = await openInput(writeInput(content));
  const validator = createValidator(createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'validator', refresh: true }));
  const results: ValidationResult[] = [];
  for await (const batch of file.batches()) results.push(...(await validator.validateBatch(batch, file.layout)));
  return results;
}

const summary = (r: ValidationResult) => (r.ok ? ['ok', r.payout.line, r.payout.amount] : [r.errorCode, r.line, r.column]);

describe('createValidator over a whole file', () => {
  it('validates each row and names a repeated reference’s first line', async () => {
    const results = await validateFile(
      [
        'reference_id,service,currency,amount,fields.account,fields.card_number',
        'a,test_usd,USD,10.5,123,',
        'b,payment_card_usd,USD,20,,5.12381E+15',
        'a,test_usd,USD,1,456,',
        'c,test_usd,usd,1,456,',
        'b,test_usd,USD,1,,',
        'd,swift_usd,USD,100,GB29NWBK60161331,',
        'e,test_jpy,JPY,100.5,1,',
        'f,test_eur,EUR,1e3,1,',
        'g,test_usd,USD,1,1,1',
      ].join('\n'),
    );
    expect(results.map(summary)).toEqual([
      ['ok', 2, '10.50'],
      ['field_mismatch', 3, 'fields.card_number'],
      ['duplicate_reference_id', 4, 'reference_id'],
      ['invalid_currency', 5, 'currency'],
      ['duplicate_reference_id', 6, 'reference_id'],
      ['ok', 7, '100.00'],
      ['amount_precision', 8, 'amount'],
      ['invalid_amount', 9, 'amount'],
      ['unknown_field', 10, 'fields.card_number'],
    ]);
    const dup = results[2];
    expect(dup && !dup.ok && dup.message).toContain('repeats line 2');
    expect(dup && !dup.ok && dup.referenceId).toBe('a');
    // Rules were fetched only for well-formed currency codes: USD, JPY, EUR.
    expect(h.sandbox.counters.requests.prerequest).toBe(3);
  });

  it('gives the same results batch by batch', async () => {
    const lines = ['reference_id,service,currency,amount,fields.account'];
    for (let i = 0; i < 3000; i++) lines.push(`r${i % 2900},${i % 7 === 0 ? 'test_eur,EUR' : 'test_usd,USD'},${i % 11 === 0 ? '0' : '1.5'},${i}`);
    const content = lines.join('\n');
    const one = await validateFile(content);
    const file = await openInput(writeInput(content));
    const validator = createValidator(createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'validator' }));
    const batched: ValidationResult[] = [];
    for await (const batch of file.batches()) batched.push(...(await validator.validateBatch(batch, file.layout)));
    expect(batched).toEqual(one);
    expect(batched.filter((r) => !r.ok && r.errorCode === 'duplicate_reference_id')).toHaveLength(100);
    expect(batched.filter((r) => !r.ok && r.errorCode === 'amount_not_positive').length).toBeGreaterThan(200);
    expect(batched.filter((r) => r.ok && r.payout.currency === 'EUR').length).toBeGreaterThan(300);
  });

  it('reports a malformed row and goes on', async () => {
    const results = await validateFile('reference_id,service,currency,amount,fields.account\na,test_usd,USD,1,1,extra\nb,test_usd,USD,2,2\n');
    expect(results.map(summary)).toEqual([
      ['malformed_row', 2, undefined],
      ['ok', 3, '2.00'],
    ]);
  });

  it('takes the currency of a dashboard row from its service', async () => {
    const results = await validateFile(
      [
        'service,service_amount,fields_data,reference_id,description',
        'test_jpy,500,account:42,d1,yen',
        'payment_card_eur,12.5,card_number:4111111111111111,d2,',
        'no_such_service,1,account:1,d3,',
        'test_usd,1,,d4,',
      ].join('\n'),
    );
    expect(results.map(summary)).toEqual([
      ['ok', 2, '500'],
      ['ok', 3, '12.50'],
      ['unknown_service', 4, 'service'],
      ['missing_field', 5, 'fields.account'],
    ]);
    const first = results[0];
    expect(first?.ok && first.payout).toMatchObject({ currency: 'JPY', request: { currency: 'JPY', fields: { account: '42' }, description: 'yen' } });
  });
});

describe('references that look the same are one reference', () => {
  it.each([
    // [first, later, why]
    ['Zo\u00eb-1', 'Zoe\u0308-1', 'composed, then decomposed accent'],
    ['Zoe\u0308-1', 'Zo\u00eb-1', 'decomposed, then composed accent'],
    ['ws-1', '\uff57\uff53-\uff11', 'ASCII, then fullwidth'],
    ['\uff57\uff53-\uff11', 'ws-1', 'fullwidth, then ASCII'],
    ['\uff57\uff53-\uff11', '\uff57s-1', 'two different fullwidth spellings'],
    ['\ufb01le-7', 'file-7', 'a ligature'],
  ])('%j then %j (%s): the later is duplicate_reference_id naming the first line', async (first, later) => {
    const results = await validateFile(['reference_id,service,currency,amount,fields.account', `${first},test_usd,USD,1,1`, 'other,test_usd,USD,1,1', `${later},test_usd,USD,1,1`].join('\n'));
    expect(results.map(summary)).toEqual([
      ['ok', 2, '1.00'],
      ['ok', 3, '1.00'],
      ['duplicate_reference_id', 4, 'reference_id'],
    ]);
    expect(results[2]!.ok === false && results[2]!.message).toContain('looks the same as the reference of line 2');
  });

  it.each([
    ['no-break space', 'ws-1\u00a0', '"ws-1<U+00A0>"'],
    ['ideographic space', 'ws-1\u3000', '"ws-1<U+3000>"'],
    ['figure space', 'ws-1\u2007', '"ws-1<U+2007>"'],
  ])('a reference ending with a %s after "ws-1 " is invisible_character_in_reference_id showing it, not a lookalike of the earlier line', async (_name, ref, shown) => {
    const results = await validateFile(['reference_id,service,currency,amount,fields.account', 'ws-1 ,test_usd,USD,1,1', `${ref},test_usd,USD,1,1`].join('\n'));
    expect(results.map(summary)).toEqual([
      ['invisible_character_in_reference_id', 2, 'reference_id'],
      ['invisible_character_in_reference_id', 3, 'reference_id'],
    ]);
    expect(results[1]!.ok === false && results[1]!.message).toContain(shown);
  });

  it('keeps references that only look alike to a careless eye (case, other letters) apart', async () => {
    const refs = ['ws-1', 'WS-1', 'ws-l', 'Zoe-1', 'Zo\u00eb-1', 'Zo\u00e8-1'];
    const results = await validateFile(['reference_id,service,currency,amount,fields.account', ...refs.map((r) => `${r},test_usd,USD,1,1`)].join('\n'));
    expect(results.every((r) => r.ok)).toBe(true);
  });
});

describe('createValidator with rows an earlier run settled', () => {
  async function validateSettled(content: string, settled: (ref: string) => boolean): Promise<{ results: ValidationResult[]; asked: string[] }> {
    const file = await openInput(writeInput(content));
    const book = createRulesBook(h.source, { cacheDir: h.cacheDir, cacheKey: 'validator', refresh: true });
    const asked: string[] = [];
    const counting = { forCurrency: (c: string) => (asked.push(c), book.forCurrency(c)), serviceCurrency: (s: string) => book.serviceCurrency(s) };
    const validator = createValidator(counting, { settled: (payout) => settled(payout.referenceId) });
    const results: ValidationResult[] = [];
    for await (const batch of file.batches()) results.push(...(await validator.validateBatch(batch, file.layout)));
    return { results, asked };
  }

  it('checks a settled row without the service rules; a repeated reference is still refused', async () => {
    const { results, asked } = await validateSettled(
      [
        'reference_id,service,currency,amount,fields.account',
        'a,test_usd,USD,10.5,123',
        'b,no_such_service,USD,20,1', // the rules would refuse it; settled as it stands, they are not asked
        'a,test_usd,USD,10.5,123', // a repeated reference is refused whatever the journal says
      ].join('\n'),
      () => true,
    );
    expect(asked).toEqual([]);
    expect(results.map(summary)).toEqual([
      ['ok', 2, '10.50'],
      ['ok', 3, '20.00'],
      ['duplicate_reference_id', 4, 'reference_id'],
    ]);
  });

  it('still refuses what needs no rules: amount, currency and e-mail mistakes', async () => {
    const { results } = await validateSettled(
      [
        'reference_id,service,currency,amount,fields.account,customer.email',
        'c,test_usd,USD,1.234,1,',
        'd,test_usd,usd,1,1,',
        'e,test_usd,USD,1,1,not-an-email',
      ].join('\n'),
      () => true,
    );
    expect(results.map(summary)).toEqual([
      ['amount_precision', 2, 'amount'],
      ['invalid_currency', 3, 'currency'],
      ['invalid_email', 4, 'customer.email'],
    ]);
  });

  it("a settled row names its payee (the service's required fields) when its currency's rules are loaded already, and asks none for it", async () => {
    const { results, asked } = await validateSettled(
      [
        'reference_id,service,currency,amount,fields.account,fields.test_details_success_rate',
        's-0,test_eur,EUR,1,1,50', // settled before any EUR row loaded the rules: the payee is every field
        'n-1,test_eur,EUR,1,2,', // judged by the rules: they are loaded for EUR
        's-1,test_eur,EUR,1,3,50',
      ].join('\n'),
      (ref) => ref.startsWith('s-'),
    );
    expect(asked).toEqual(['EUR']);
    const payeeFields = results.map((r) => (r.ok ? r.payout.payeeFields : 'invalid'));
    expect(payeeFields).toEqual([undefined, ['account'], ['account']]);
  });

  it('judges a row the journal does not hold as settled by the rules', async () => {
    const { results, asked } = await validateSettled(
      ['reference_id,service,currency,amount,fields.account', 'a,test_usd,USD,1,1', 'b,no_such_service,USD,20,1'].join('\n'),
      (ref) => ref === 'a',
    );
    expect(asked).toEqual(['USD']);
    expect(results.map(summary)).toEqual([
      ['ok', 2, '1.00'],
      ['unknown_service', 3, 'service'],
    ]);
  });
});
