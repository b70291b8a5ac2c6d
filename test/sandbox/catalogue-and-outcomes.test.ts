import { describe, expect, it } from 'vitest';
import { Catalogue, withinLimits } from '../../src/sandbox/catalogue.js';
import { compileRule } from '../../src/sandbox/catalogue-fields.js';
import { Decimal } from '../../src/sandbox/decimal.js';
import { FaultEngine } from '../../src/sandbox/faults.js';
import { decideOutcome } from '../../src/sandbox/final-status.js';

describe('the catalogue', () => {
  const catalogue = new Catalogue();

  it('holds 168 services with unique stable ids and codes, swift_usd last', () => {
    expect(catalogue.services).toHaveLength(168);
    expect(new Set(catalogue.services.map((s) => s.id)).size).toBe(168);
    expect(new Set(catalogue.services.map((s) => s.spec.code)).size).toBe(168);
    expect(catalogue.services.at(-1)?.spec.code).toBe('swift_usd');
    expect(new Catalogue().services.map((s) => s.id)).toEqual(catalogue.services.map((s) => s.id));
    for (const code of ['test_usd', 'test_eur', 'test_gbp', 'test_jpy', 'test_kwd', 'payment_card_usd', 'payment_card_eur']) {
      expect(catalogue.byServiceCode(code), code).toBeDefined();
    }
  });

  it('keeps the regexps in wire form and compiles them to what they mean', () => {
    const account = catalogue.byServiceCode('test_usd')?.fieldsByKey.get('account');
    expect(account?.def.regexp).toBe('^\\\\d{1,15}$');
    expect(account?.pattern.test('123456789012345')).toBe(true);
    expect(account?.pattern.test('1234567890123456')).toBe(false);
    expect(account?.pattern.test('\\d')).toBe(false);
    expect(compileRule('^[A-Z\\\\-\\\\sa-z]{2,64}$').test('process_failed')).toBe(false);
    expect(compileRule('^[A-Z\\\\-\\\\sa-z]{2,64}$').test('Process-failed now')).toBe(true);
  });

  it('offers test_usd for EUR at 1.08 and checks limits after conversion', () => {
    const offer = catalogue.offer('EUR', 'test_usd');
    expect(offer?.rate.toString()).toBe('1.08');
    expect(offer && withinLimits(offer, Decimal.of('9259258'))).toBe(true);
    expect(offer && withinLimits(offer, Decimal.of('9259260'))).toBe(false);
    expect(catalogue.offer('GBP', 'test_usd')).toBeUndefined();
  });
});

describe('decideOutcome', () => {
  it('defaults to processed/ok', () => {
    expect(decideOutcome({}, 1, 'r')).toEqual({ status: 'processed', resolution: 'ok' });
  });

  it('takes the status word, hyphens and spaces for underscores, and ignores created', () => {
    expect(decideOutcome({ test_details_payout_status: 'Partially-Processed' }, 1, 'r').status).toBe('partially_processed');
    expect(decideOutcome({ test_details_payout_status: 'created' }, 1, 'r').status).toBe('processed');
    expect(decideOutcome({ test_details_payout_status: 'expired' }, 1, 'r')).toEqual({ status: 'expired', resolution: 'unknown_error' });
  });

  it('lets the status win over the success rate, and sets the resolution', () => {
    const fields = { test_details_payout_status: 'process pending', test_details_success_rate: '0', test_details_payout_resolution: 'in review' };
    expect(decideOutcome(fields, 1, 'r')).toEqual({ status: 'process_pending', resolution: 'in_review' });
  });

  it('splits a success rate deterministically by seed and reference', () => {
    const run = (seed: number) => Array.from({ length: 200 }, (_, i) => decideOutcome({ test_details_success_rate: '30' }, seed, `ref-${i}`).status);
    const statuses = run(1);
    expect(run(1)).toEqual(statuses);
    const ok = statuses.filter((s) => s === 'processed').length;
    expect(ok).toBeGreaterThan(30);
    expect(ok).toBeLessThan(90);
  });
});

describe('FaultEngine', () => {
  it('consumes the script in order before random faults', () => {
    const engine = new FaultEngine(
      {
        errorRates: { 500: 1 },
        script: [
          { endpoint: 'create', referenceId: 'b', kind: 'drop' },
          { endpoint: 'create', kind: 'rate-limit', retryAfterSeconds: 4 },
        ],
      },
      1,
    );
    expect(engine.decide('create', 'a')).toEqual({ kind: 'rate-limit', retryAfterSeconds: 4 });
    expect(engine.decide('create', 'b')).toEqual({ kind: 'drop' });
    expect(engine.decide('create', 'b')).toEqual({ kind: 'status', status: 500 });
  });

  it('draws nothing when no rate is set', () => {
    const engine = new FaultEngine({ latencyMs: 5 }, 1);
    expect(engine.decide('getInvoice', undefined)).toEqual({ kind: 'none' });
    expect(engine.latencyMs).toBe(5);
  });
});
