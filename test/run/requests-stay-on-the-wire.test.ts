import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { open } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { payFile } from '../../src/library.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** Invoice requests on the wire over time, from undici's own diagnostics channels (nothing is mocked). */
function wireWatch() {
  let onWire = 0;
  let since = 0;
  let area = 0;
  let first = 0;
  let last = 0;
  const move = (by: number): void => {
    const now = performance.now();
    if (onWire > 0) area += onWire * (now - since);
    since = now;
    onWire += by;
    if (by > 0 && first === 0) first = now;
    if (by < 0) last = now;
  };
  const invoice = (message: unknown): boolean => String((message as { request: { path: string } }).request.path).includes('/payout-invoices');
  const created = (message: unknown): void => void (invoice(message) && move(1));
  const ended = (message: unknown): void => void (invoice(message) && move(-1));
  subscribe('undici:request:create', created);
  subscribe('undici:request:trailers', ended);
  subscribe('undici:request:error', ended);
  return {
    /** Requests on the wire, averaged over the time from the first create to the last answer. */
    average: () => area / (last - first),
    stop(): void {
      unsubscribe('undici:request:create', created);
      unsubscribe('undici:request:trailers', ended);
      unsubscribe('undici:request:error', ended);
    },
  };
}

describe('rows waiting for the disk do not leave request slots empty', () => {
  let ws: Workspace;
  afterEach(async () => {
    vi.restoreAllMocks();
    await ws.close();
  });

  it('with a slow fsync, the requests on the wire stay near --concurrency', async () => {
    ws = await workspace({ faults: { latencyMs: 40 } });
    await ws.write('payouts.csv', csv(HEADER, rows(64)));
    // Every fsync of the journal (and ledger) takes 40 ms more: as long as a request.
    const probe = await open(ws.path('probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const datasync = proto.datasync;
    vi.spyOn(proto, 'datasync').mockImplementation(async function (this: unknown) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return datasync.call(this);
    });
    const wire = wireWatch();
    try {
      const summary = await payFile('payouts.csv', {
        config: { apiUrl: ws.sandbox.url, ...ws.sandbox.credentials, cacheDir: ws.path('cache') },
        cwd: ws.dir,
        env: {},
        concurrency: 4,
      });
      expect(summary.counts.processed).toBe(64);
    } finally {
      wire.stop();
    }
    // Two rows a slot kept 2.2-2.4 of 4 on the wire here (rows sat in their fsyncs); four rows a slot 3.1-3.5.
    expect(wire.average()).toBeGreaterThan(2.8);
  });
});
