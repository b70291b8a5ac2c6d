import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** stdout holds exactly one JSON object. */
function onlyObject(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines, stdout).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

function expectRunFields(o: Record<string, unknown>): void {
  expect(o.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(o.runId).toMatch(UUID);
  expect(o.startedAt).toMatch(ISO);
  expect(o.finishedAt).toMatch(ISO);
  expect(o.durationMs).toBe(Date.parse(o.finishedAt as string) - Date.parse(o.startedAt as string));
  expect(o.requests).toEqual({ total: expect.any(Number), retries: expect.any(Number), rateLimited: expect.any(Number) });
}

describe('--json prints one object on stdout for every exit', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('exit 0: the summary carries version, runId, start, finish, duration and the request counts', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [['a', 'test_usd', 'USD', '10.10', '800001']]));
    const r = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const o = onlyObject(r.stdout);
    expectRunFields(o);
    expect(o.exitCode).toBe(0);
    expect((o.requests as { total: number }).total).toBeGreaterThanOrEqual(2); // create and process at least
    expect(o).not.toHaveProperty('error');
  });

  it('exit 2 for a missing file: error {code, message} naming it, and the same run fields', async () => {
    ws = await workspace();
    const r = await ws.cli(['run', 'nope.csv', '--json']);
    expect(r.code).toBe(2);
    const o = onlyObject(r.stdout);
    expectRunFields(o);
    expect(o.exitCode).toBe(2);
    expect(o.error).toEqual({ code: expect.any(String), message: expect.stringContaining('nope.csv') });
    expect(r.stderr).toContain('nope.csv'); // the sentence for a person stays on stderr
  });

  it('exit 2 for a usage error yargs finds (an unknown option), and for plan', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [['a', 'test_usd', 'USD', '10.10', '800001']]));
    const usage = await ws.cli(['run', 'payouts.csv', '--json', '--bogus']);
    expect(usage.code).toBe(2);
    const o = onlyObject(usage.stdout);
    expect(o).toMatchObject({ exitCode: 2, error: { code: 'usage', message: expect.stringContaining('--bogus') } });
    expectRunFields(o);
    const plan = await ws.cli(['plan', 'nope.csv', '--json']);
    expect(plan.code).toBe(2);
    expect(onlyObject(plan.stdout)).toMatchObject({ exitCode: 2, error: { message: expect.stringContaining('nope.csv') } });
  });

  it('exit 3 when the API keeps failing: one object, with the retries counted', async () => {
    ws = await workspace();
    await ws.write('payouts.csv', csv(HEADER, [['a', 'test_usd', 'USD', '10.10', '800001']]));
    ws.sandbox.setFaults({ errorRates: { 500: 1 }, endpoints: ['create'] });
    const r = await ws.cli(['run', 'payouts.csv', '--json']);
    expect(r.code).toBe(3);
    const o = onlyObject(r.stdout);
    expectRunFields(o);
    expect((o.requests as { retries: number }).retries).toBeGreaterThan(0);
  });
});
