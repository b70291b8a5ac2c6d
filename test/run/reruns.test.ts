import { appendFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHeader } from '../../src/journal/entry.js';
import { collect, csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

function invoiceRequests(ws: Workspace): number {
  const r = ws.sandbox.counters.requests;
  return r.create + r.process + r.getInvoice + r.listInvoices;
}

describe('reruns with the same journal', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a rerun of a finished batch sends no invoice request at all', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(50)));
    expect((await ws.cli(['run', 'payouts.csv'])).code).toBe(0);
    const before = invoiceRequests(ws);
    const again = await ws.cli(['run', 'payouts.csv']);
    expect(again.code, again.stderr).toBe(0);
    expect(invoiceRequests(ws)).toBe(before);
    expect((await ws.results()).every((r) => r.outcome === 'processed')).toBe(true);
  });

  it('fixing three invalid rows and rerunning pays exactly those three', async () => {
    ws = await workspace();
    const data = rows(10);
    const broken = data.map((r, i) => (i === 1 || i === 4 || i === 7 ? [r[0]!, r[1]!, r[2]!, r[3]!, 'not-digits'] : r));
    await ws.write('payouts.csv', csv(HEADER, broken));
    expect((await ws.cli(['run', 'payouts.csv'])).code).toBe(1);
    expect(ws.sandbox.counters.requests.create).toBe(7);
    await ws.write('payouts.csv', csv(HEADER, data));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(10);
    expect([...ws.sandbox.counters.createRequests.keys()].sort()).toEqual(data.map((x) => x[0]).sort());
  });

  it('a row whose amount changed after it was paid is a conflict, not a second payment', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    expect((await ws.cli(['run', 'payouts.csv'])).code).toBe(0);
    const changed = rows(2);
    changed[0]![3] = '999.00';
    await ws.write('payouts.csv', csv(HEADER, changed));
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code).toBe(1);
    const results = await ws.results();
    expect(results[0]!.outcome).toBe('conflict');
    expect(ws.sandbox.counters.requests.create).toBe(2);
  });

  it('a torn last journal line is tolerated with a warning', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(5)));
    expect((await ws.cli(['run', 'payouts.csv'])).code).toBe(0);
    await appendFile(ws.path('payouts.journal.jsonl'), '{"v":1,"ref":"ref-1","sta');
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/incomplete/);
    expect(ws.sandbox.counters.requests.create).toBe(5);
  });

  it('a corrupt journal line in the middle stops with exit 2 naming the line', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, rows(2)));
    const head = formatHeader({ origin: new URL(ws.sandbox.url).origin, keyId: ws.sandbox.credentials.keyId, mode: 'test', secret: 'S'.repeat(43), created: '' });
    await ws.write('payouts.journal.jsonl', head + '{"v":2,"ref":"ref-1","state":"creating","fp":"x","line":2,"at":"2026-01-01T00:00:00Z"}\nnot json\n{"v":2,"ref":"ref-2","state":"creating","fp":"x","line":3,"at":"2026-01-01T00:00:00Z"}\n');
    const r = await ws.cli(['run', 'payouts.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('two runs at once on one journal: one refuses with exit 2, nothing is paid twice', async () => {
    // The sandbox holds every create: whichever run takes the journal's lock still holds it when the
    // other tries, however the two starts fall on a busy machine.
    ws = await workspace({ faults: { script: [{ endpoint: 'create', kind: 'delay', delayMs: 600_000, times: 1000 }] } });
    await ws.write('payouts.csv', csv(HEADER, rows(40)));
    const children = [ws.spawnCli(['run', 'payouts.csv']), ws.spawnCli(['run', 'payouts.csv'])];
    const exits = children.map((child, i) => collect(child).then((r) => ({ ...r, i })));
    const refused = await Promise.race(exits);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/in use by pid \d+/);
    const holder = children[1 - refused.i]!;
    expect(holder.exitCode).toBeNull();
    holder.kill('SIGKILL');
    await exits[1 - refused.i];
    ws.sandbox.setFaults({});
    const rerun = await ws.cli(['run', 'payouts.csv']);
    expect(rerun.code, rerun.stderr).toBe(0);
    for (let i = 1; i <= 40; i += 1) {
      expect(ws.sandbox.counters.invoicesCreated.get(`ref-${i}`), `ref-${i}`).toBe(1);
      expect(ws.sandbox.counters.processed.get(`ref-${i}`), `ref-${i}`).toBe(1);
    }
  });
});
