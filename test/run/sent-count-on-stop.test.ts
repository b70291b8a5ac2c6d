import { afterEach, describe, expect, it } from 'vitest';
import { payFile } from '../../src/library.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('a stopped run reports as sent only what reached the API', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('rows journaled but still waiting for a request slot when the stop comes are not_started, not sent', async () => {
    ws = await workspace({ faults: { latencyMs: 30 } });
    await ws.write('payouts.csv', csv(HEADER, rows(60)));
    const stop = new AbortController();
    const summary = await payFile('payouts.csv', {
      config: { apiUrl: ws.sandbox.url, ...ws.sandbox.credentials, cacheDir: ws.path('cache') },
      cwd: ws.dir,
      env: { HOME: ws.dir },
      concurrency: 4,
      progress: (u) => {
        if (u.done === 3) stop.abort();
      },
      signal: stop.signal,
    });
    expect(summary.exitCode).toBe(3);
    expect(summary.counts.not_started).toBeGreaterThan(0);
    expect(summary.sent).toBe(ws.sandbox.counters.invoicesCreated.size);
    expect(summary.sent + summary.counts.not_started).toBe(60);
  });
});
