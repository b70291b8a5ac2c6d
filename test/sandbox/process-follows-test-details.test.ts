import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, createBody, createOk, open, processInvoice, testUsd } from './sandbox-calls.js';
import { sandboxClock } from '../helpers/sandbox-clock.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await open({ seed: 7 });
});
afterAll(() => sb.close());

let n = 0;
const ref = (): string => `process-${++n}`;

async function processed(fields: Record<string, string>, amount = '10.00'): Promise<Record<string, unknown>> {
  const id = await createOk(sb, testUsd(ref(), fields, amount));
  const answer = await processInvoice(sb, id);
  expect(answer.status).toBe(200);
  return answer.json.data.attributes;
}

describe('POST /payout-invoices/{id}/process without delay', () => {
  it('ends processed with resolution ok by default, and records the paid amounts', async () => {
    const attrs = await processed({});
    expect(attrs).toMatchObject({
      status: 'processed',
      resolution: 'ok',
      processed: expect.any(Number),
      processed_amount: 10,
      processed_fee: 0,
      processed_writeoff: 10,
    });
  });

  it('ends in the status test_details_payout_status names (hyphens or spaces for underscores)', async () => {
    expect(await processed({ test_details_payout_status: 'process-failed' })).toMatchObject({
      status: 'process_failed',
      resolution: 'unknown_error',
      processed_amount: 0,
    });
    expect((await processed({ test_details_payout_status: 'expired' })).status).toBe('expired');
    expect((await processed({ test_details_payout_status: 'Process Failed' })).status).toBe('process_failed');
    expect(await processed({ test_details_payout_status: 'process-pending' })).toMatchObject({
      status: 'process_pending',
      processed: null,
      processed_amount: null,
    });
  });

  it('pays exactly half on partially_processed, in minor units', async () => {
    expect((await processed({ test_details_payout_status: 'partially-processed' }, '10.01')).processed_amount).toBe(5);
    expect((await processed({ test_details_payout_status: 'partially processed' }, '10.02')).processed_amount).toBe(5.01);
  });

  it('sets the resolution test_details_payout_resolution names', async () => {
    expect(
      await processed({ test_details_payout_status: 'process-failed', test_details_payout_resolution: 'insufficient-funds' }),
    ).toMatchObject({ status: 'process_failed', resolution: 'insufficient_funds' });
  });

  it('keeps a status word it does not know, so clients meet one', async () => {
    expect((await processed({ test_details_payout_status: 'on-hold' })).status).toBe('on_hold');
  });

  it('refuses underscores in the test details, as the document rule says', async () => {
    const answer = await call(sb, 'POST', '/payout-invoices', {
      body: createBody(testUsd(ref(), { test_details_payout_status: 'process_failed' })),
    });
    expect(answer.status).toBe(422);
    expect(answer.json.errors).toEqual({ 'fields.test_details_payout_status': 'This value is not valid.' });
  });

  it('decides test_details_success_rate from seed and reference, repeatably', async () => {
    expect((await processed({ test_details_success_rate: '100' })).status).toBe('processed');
    expect((await processed({ test_details_success_rate: '0' })).status).toBe('process_failed');
    const outcomes = async (seed: number): Promise<string[]> => {
      const other = await open({ seed });
      try {
        const statuses: string[] = [];
        for (let i = 0; i < 40; i++) {
          const id = await createOk(other, testUsd(`rate-${i}`, { test_details_success_rate: '50' }));
          statuses.push((await processInvoice(other, id)).json.data.attributes.status);
        }
        return statuses;
      } finally {
        await other.close();
      }
    };
    const first = await outcomes(3);
    expect(await outcomes(3)).toEqual(first);
    expect(first).toContain('processed');
    expect(first).toContain('process_failed');
  });

  it('honours the test details on swift_usd too', async () => {
    const id = await createOk(sb, {
      reference_id: ref(),
      service: 'swift_usd',
      currency: 'USD',
      amount: '100',
      fields: { account: 'GB33BUKB20201555555555', test_details_payout_status: 'terminated' },
    });
    expect((await processInvoice(sb, id)).json.data.attributes).toMatchObject({ status: 'terminated', fee: 15 });
  });

  it('answers 409 invalid_status when the invoice is not created, with no effect', async () => {
    const reference = ref();
    const id = await createOk(sb, testUsd(reference));
    await processInvoice(sb, id);
    const again = await processInvoice(sb, id);
    expect(again.status).toBe(409);
    expect(again.json.errors[0]).toMatchObject({ status: 'Conflict', code: '409', title: 'invalid_status' });
    expect(again.json.errors[0].detail).toContain('processed');
    expect(sb.counters.processRequests.get(reference)).toBe(2);
    expect(sb.counters.processed.get(reference)).toBe(1);
  });

  it('answers 404 for an unknown invoice and 401 without auth', async () => {
    const missing = await processInvoice(sb, 'cpoi_nope000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ errors: [{ status: 'Not Found', code: '404' }] });
    const id = await createOk(sb, testUsd(ref()));
    const anonymous = await call(sb, 'POST', `/payout-invoices/${id}/process`, { auth: false });
    expect(anonymous.status).toBe(401);
    expect(sb.invoices().find((i) => i.id === id)?.status).toBe('created');
  });
});

describe('POST /payout-invoices/{id}/process with processDelayMs', () => {
  it('answers processing, then the final status once the delay has passed', async () => {
    const clock = sandboxClock(); // stands still until the test moves it
    const slow = await open({ processDelayMs: 150, now: clock.now });
    try {
      const id = await createOk(slow, testUsd('slow-1', { test_details_payout_status: 'partially-processed' }));
      const started = await processInvoice(slow, id);
      expect(started.json.data.attributes).toMatchObject({ status: 'processing', processed: null, processed_amount: null });
      expect((await call(slow, 'GET', `/payout-invoices/${id}`)).json.data.attributes.status).toBe('processing');
      expect(slow.invoices()[0]?.status).toBe('processing');
      clock.advance(150); // the delay has passed
      const done = await call(slow, 'GET', `/payout-invoices/${id}`);
      expect(done.json.data.attributes).toMatchObject({ status: 'partially_processed', processed_amount: 5 });
      expect(slow.invoices()[0]?.status).toBe('partially_processed');
      expect((await processInvoice(slow, id)).status).toBe(409);
    } finally {
      await slow.close();
    }
  });
});
