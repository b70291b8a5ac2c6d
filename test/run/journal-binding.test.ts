import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHeader } from '../../src/journal/entry.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/sandbox-types.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

const REFUNDS = resolve(import.meta.dirname, '../../samples/refunds.csv');

function invoiceRequests(sandbox: Sandbox): number {
  const r = sandbox.counters.requests;
  return r.create + r.process + r.getInvoice + r.listInvoices;
}

/** A journal written by the version before bindings: v1 lines, no header, invoices of some other API. */
function legacyJournal(refs: string[], state = 'processed'): string {
  return refs
    .map((ref, i) =>
      JSON.stringify({ v: 1, ref, state, fp: 'AAAAAAAAAAAAAAAAAAAAAA', line: i + 2, at: '2026-01-01T00:00:00Z', invoice_id: `inv_elsewhere_${i}`, status: 'processed' }) + '\n',
    )
    .join('');
}

describe('a journal belongs to one API, one account, one mode', () => {
  let ws: Workspace;
  const others: Sandbox[] = [];
  afterEach(async () => {
    await Promise.all(others.splice(0).map((s) => s.close()));
    await ws.close();
  });

  it('a run against another API refuses the journal of a --sandbox run: exit 2, nothing sent, no row reported', async () => {
    ws = await workspace();
    const input = ws.path('refunds.csv');
    await copyFile(REFUNDS, input);
    const journal = ws.path('refunds.journal.jsonl');
    const rehearsal = await ws.cli(['run', input, '--sandbox', '--journal', journal, '--out', ws.path('rehearsal.csv')]);
    expect(rehearsal.code, rehearsal.stderr).toBe(1); // the sample has invalid rows by design
    const before = await readFile(journal, 'utf8');

    const real = await ws.cli(['run', input, '--journal', journal, '--out', ws.path('real.csv'), '--json']);
    expect(real.code, real.stderr).toBe(2);
    expect(real.stderr).toContain(`journal ${journal} belongs to test mode, account sandbox_key_id, API http://127.0.0.1:`);
    expect(real.stderr).toContain(`this run is against test mode, account sandbox_key_id, API ${new URL(ws.sandbox.url).origin}`);
    expect(real.stderr).toMatch(/another --journal/);
    expect(invoiceRequests(ws.sandbox)).toBe(0);
    // No summary (no row is reported processed): the --json object says the run was refused, and why.
    expect(JSON.parse(real.stdout)).toMatchObject({ exitCode: 2, error: { code: expect.any(String), message: expect.stringContaining(journal) } });
    expect(JSON.parse(real.stdout)).not.toHaveProperty('counts');
    expect(existsSync(ws.path('real.csv'))).toBe(false);
    expect(await readFile(journal, 'utf8')).toBe(before);
  });

  it('a second --sandbox run (a new, empty sandbox) moves the first one\'s journal aside and pays every row again', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const journal = ws.path('j.jsonl');
    expect((await ws.cli(['run', ws.path('payouts.csv'), '--sandbox', '--journal', journal])).code).toBe(0);
    const again = await ws.cli(['run', ws.path('payouts.csv'), '--sandbox', '--journal', journal]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/moved the previous sandbox journal aside to j\.\d{4}-[\dT-]+Z\.jsonl/);
  });

  it.each([
    ['another account', { keyId: 'key_other_account' }, /belongs to test mode, account key_other_account/],
    ['another mode', { mode: 'live' as const }, /belongs to live mode, account sandbox_key_id/],
  ])('refuses a journal bound to %s of the same API', async (_what, change, message) => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const header = { origin: new URL(ws.sandbox.url).origin, keyId: 'sandbox_key_id', mode: 'test' as const, secret: 'A'.repeat(43), created: '2026-01-01T00:00:00Z', ...change };
    await ws.write('payouts.journal.jsonl', formatHeader(header));
    const r = await ws.cli(['run', ws.path('payouts.csv')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(invoiceRequests(ws.sandbox)).toBe(0);
  });

  it('refuses a journal when the API now answers in another mode (test journal, live keys)', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    expect((await ws.cli(['run', ws.path('payouts.csv')])).code).toBe(0);
    const live = await startSandbox({ port: 0, testMode: false });
    others.push(live);
    const header = JSON.parse((await readFile(ws.path('payouts.journal.jsonl'), 'utf8')).split('\n')[0]!);
    // Same API URL as the journal's: only the mode differs.
    await writeFile(ws.path('payouts.journal.jsonl'), (await readFile(ws.path('payouts.journal.jsonl'), 'utf8')).replace(header.origin, new URL(live.url).origin));
    const r = await ws.cli(['run', ws.path('payouts.csv'), '--live', '--yes'], { env: { MILKYPAY_API_URL: live.url, MILKYPAY_PUBLIC_KEY: live.credentials.publicKey } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/belongs to test mode.*this run is against live mode/);
    expect(invoiceRequests(live)).toBe(0);
  });

  it('writes the binding as the first line, with a secret, and resumes a journal bound to this API', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    expect((await ws.cli(['run', ws.path('payouts.csv')])).code).toBe(0);
    const [header, ...entries] = await ws.journalLines();
    expect(header).toMatchObject({ v: 2, journal: 'milkypay-payouts-journal', origin: new URL(ws.sandbox.url).origin, key_id: 'sandbox_key_id', mode: 'test' });
    expect(header!.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(entries.every((e) => e.v === 2 && typeof e.ref === 'string')).toBe(true);
    const before = invoiceRequests(ws.sandbox);
    expect((await ws.cli(['run', ws.path('payouts.csv')])).code).toBe(0);
    expect(invoiceRequests(ws.sandbox)).toBe(before);
  });
});

describe('a journal written before bindings existed', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('is refused with exit 2 saying why and how to adopt it; nothing is sent', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const old = legacyJournal(['ref-1', 'ref-2', 'ref-3']);
    await ws.write('payouts.journal.jsonl', old);
    const r = await ws.cli(['run', ws.path('payouts.csv')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/older version.*--adopt-journal/s);
    expect(invoiceRequests(ws.sandbox)).toBe(0);
    expect(await readFile(ws.path('payouts.journal.jsonl'), 'utf8')).toBe(old);
  });

  it('with --adopt-journal, trusts none of its rows: each is looked up here, and paid if this API has none', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(3)));
    const old = legacyJournal(['ref-1', 'ref-2', 'ref-3']);
    await ws.write('payouts.journal.jsonl', old);
    const r = await ws.cli(['run', ws.path('payouts.csv'), '--adopt-journal']);
    expect(r.code, r.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.listInvoices).toBeGreaterThanOrEqual(3); // looked up first
    expect([...ws.sandbox.counters.invoicesCreated.values()]).toEqual([1, 1, 1]);
    const results = await ws.results();
    expect(results.map((x) => x.outcome)).toEqual(['processed', 'processed', 'processed']);
    expect(results.some((x) => (x.invoice_id ?? '').startsWith('inv_elsewhere'))).toBe(false);
    const [header] = await ws.journalLines();
    expect(header).toMatchObject({ origin: new URL(ws.sandbox.url).origin, key_id: 'sandbox_key_id', mode: 'test' });
    const kept = (await readdir(ws.dir)).filter((f) => f.startsWith('payouts.journal.jsonl.unbound-'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(ws.dir, kept[0]!), 'utf8')).toBe(old);
  });

  it('reconcile and retry-failed refuse it too, and reconcile refuses a journal bound to another API', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    await ws.write('payouts.journal.jsonl', legacyJournal(['ref-1', 'ref-2'], 'failed'));
    const reconcile = await ws.cli(['reconcile', ws.path('payouts.journal.jsonl')]);
    expect(reconcile.code, reconcile.stderr).toBe(2);
    expect(reconcile.stderr).toMatch(/older version/);
    const retry = await ws.cli(['retry-failed', ws.path('payouts.csv')]);
    expect(retry.code, retry.stderr).toBe(2);
    expect(existsSync(ws.path('payouts-r2.csv'))).toBe(false);

    const header = { origin: 'https://api.elsewhere.example', keyId: 'sandbox_key_id', mode: 'test' as const, secret: 'A'.repeat(43), created: '' };
    await ws.write('payouts.journal.jsonl', formatHeader(header) + JSON.stringify({ v: 2, ref: 'ref-1', state: 'submitted', fp: 'x', line: 2, at: 'x', invoice_id: 'inv_1', status: 'processing' }) + '\n');
    const bound = await ws.cli(['reconcile', ws.path('payouts.journal.jsonl')]);
    expect(bound.code, bound.stderr).toBe(2);
    expect(bound.stderr).toMatch(/belongs to test mode, account sandbox_key_id, API https:\/\/api\.elsewhere\.example/);
    expect(ws.sandbox.counters.requests.getInvoice).toBe(0);
  });

  it('retry-failed reads a bound journal and names where its payouts failed', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const header = { origin: new URL(ws.sandbox.url).origin, keyId: 'sandbox_key_id', mode: 'test' as const, secret: 'A'.repeat(43), created: '' };
    await ws.write('payouts.journal.jsonl', formatHeader(header) + JSON.stringify({ v: 2, ref: 'ref-2', state: 'failed', fp: 'x', line: 3, at: 'x' }) + '\n');
    const r = await ws.cli(['retry-failed', ws.path('payouts.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`failed on test mode, account sandbox_key_id, API ${new URL(ws.sandbox.url).origin}`);
    expect(await readFile(ws.path('payouts-r2.csv'), 'utf8')).toContain('ref-2-r2');
  });
});
