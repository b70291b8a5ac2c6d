import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { alreadySentConflict } from '../../src/payout/conflict-advice.js';
import { payeeDifferences } from '../../src/payout/reply-check.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

// Issue 18 §4: the advice for a conflict never leads to paying the person a second time.
describe('a conflict on a row already paid', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  function expectRestoreAdvice(message: string): void {
    expect(message).toMatch(/restore the row as it was paid/);
    expect(message).toMatch(/leading zeros/);
    expect(message).toMatch(/only if a second payment is really intended.*new reference_id.*repeat-payee guard.*--allow-repeat-of/i);
    // The new reference is not the first (or only) thing it proposes.
    expect(message.indexOf('restore')).toBeLessThan(message.indexOf('new reference_id'));
  }

  it('from the journal: a re-save dropped a leading zero; it says the invoice and status first, names the column and what changed, masked, and advises restoring the row', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [['ref-1', 'test_usd', 'USD', '10.00', '0950000003']]));
    expect((await ws.cli(['run', 'payouts.csv'])).code).toBe(0);
    const invoice = (await ws.results())[0]!.invoice_id!;
    await ws.write('payouts.csv', csv(HEADER, [['ref-1', 'test_usd', 'USD', '10.00', '950000003']]));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(1);
    const [row] = await ws.results();
    expect(row).toMatchObject({ outcome: 'conflict', error_code: 'changed_since_paid', invoice_id: invoice });
    const message = row!.error_message!;
    expect(message).toMatch(new RegExp(`^reference_id ref-1 was already paid as invoice ${invoice} \\(status processed; journaled from line 2\\)`));
    expect(message).toContain('fields.account');
    expect(message).toMatch(/a leading zero/);
    expect(message).not.toMatch(/0?950000003/);
    expectRestoreAdvice(message);
    expect(ws.sandbox.counters.requests.create).toBe(1);
    for (const name of ['payouts.results.csv', 'payouts.journal.jsonl']) expect(await readFile(ws.path(name), 'utf8')).not.toContain('950000003');
  });

  it('from the API (no journal): two accounts whose masks look the same are told apart by the part that differs, never shown', async () => {
    ws = await workspace();
    const api = createApiClient({ baseUrl: ws.sandbox.url, ...ws.sandbox.credentials });
    const created = await api.createInvoice({ referenceId: 'ref-1', service: 'test_usd', currency: 'USD', amount: '10.00', fields: { account: '150000' } });
    await api.processInvoice(created.id);
    api.close();
    await ws.write('payouts.csv', csv(HEADER, [['ref-1', 'test_usd', 'USD', '10.00', '160000']]));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(1);
    const [row] = await ws.results();
    expect(row).toMatchObject({ outcome: 'conflict', error_code: 'payee_mismatch', invoice_id: created.id });
    const message = row!.error_message!;
    expect(message).toMatch(new RegExp(`^reference_id ref-1 was already paid as invoice ${created.id} \\(status processed\\)`));
    expect(message).toContain('fields.account ****0000 (the row says ****0000, which differs in digit 2 of 6)');
    expect(message).not.toMatch(/1[56]0000/);
    expectRestoreAdvice(message);
    expect(ws.sandbox.counters.processRequests.get('ref-1')).toBe(1); // only the one made above
  });
});

describe('payeeDifferences', () => {
  it.each([
    ['150000', '160000', 'which differs in digit 2 of 6'],
    ['0950000003', '950000003', 'which has 9 characters against 10: a leading zero was dropped'],
    ['950000003', '0950000003', 'which has 10 characters against 9: a leading zero was added'],
    ['AB12CD34EF', 'AX12CD34EF', 'which differs in character 2 of 10'],
  ])('says which part of %s and %s differs when their masks look the same', (theirs, ours, where) => {
    const [diff] = payeeDifferences({ account: ours }, { account: theirs }, true);
    expect(diff).toContain(where);
    expect(diff).not.toContain(theirs);
    expect(diff).not.toContain(ours);
  });

  it('adds nothing when the masks already differ', () => {
    expect(payeeDifferences({ account: '123456789' }, { account: '999999999' }, true)).toEqual(['fields.account ****9999 (the row says ****6789)']);
  });
});

describe('alreadySentConflict', () => {
  it('says "paid" only of a paid invoice, and advises retry-failed for one that failed', () => {
    const created = alreadySentConflict('r-1', { id: 'inv-1', status: 'created' }, ['amount 9 (the row says 10)'], 'api');
    expect(created).toMatch(/^reference_id r-1 already belongs to invoice inv-1 \(status created\), and this row differs from it: amount 9/);
    expect(created).toContain('restore the row as it was sent');
    const failed = alreadySentConflict('r-1', { id: 'inv-1', status: 'process_failed' }, [], { line: 4 });
    expect(failed).toMatch(/^reference_id r-1 was already sent as invoice inv-1 \(status process_failed; journaled from line 4\)/);
    expect(failed).toContain('retry-failed');
  });
});
