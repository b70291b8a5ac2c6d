import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/in-process.js';
import { csv, HEADER, rows, workspace, type CliResult, type Workspace } from '../helpers/workspace.js';

/** The CLI in-process, with the ledger in the workspace (never the real home). */
function run(ws: Workspace, args: string[]): Promise<CliResult> {
  return ws.cli([...args, '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
}

describe('plan, then run --plan', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('plan writes <stem>.plan.json and prints the totals; nothing is sent', async () => {
    ws = await workspace();
    await ws.write('refunds.csv', csv(HEADER, [...rows(3, 'rf'), ['rf-bad', 'test_usd', 'USD', '1.005', '1']]));
    const r = await run(ws, ['plan', 'refunds.csv']);
    expect(r.code, r.stderr).toBe(1); // an invalid row needs a person, as in the dry run
    expect(r.stdout + r.stderr).toMatch(/USD: 3 valid rows · 6\.75 requested/);
    expect(r.stdout + r.stderr).toContain(ws.path('refunds.plan.json'));
    const plan = JSON.parse(await readFile(ws.path('refunds.plan.json'), 'utf8')) as Record<string, unknown>;
    expect(plan).toMatchObject({
      version: 1,
      input: { file: 'refunds.csv', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      api: { origin: new URL(ws.sandbox.url).origin, account: ws.env.MILKYPAY_KEY_ID, mode: 'test' },
      rows: 4,
      validRows: 3,
      totals: [{ currency: 'USD', rows: 3, amount: '6.75' }],
      rulesDigest: expect.any(String),
      holds: [],
    });
    expect(Date.parse(plan.createdAt as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('an edited file is refused with exit 2 naming the difference, nothing sent; the unchanged file pays exactly as planned', async () => {
    ws = await workspace();
    const data = rows(4, 'rf');
    await ws.write('refunds.csv', csv(HEADER, data));
    const planned = await readFile(ws.path('refunds.csv'));
    const made = await run(ws, ['plan', 'refunds.csv']);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/Next: have the plan reviewed, then pay exactly this file: .* run refunds\.csv --plan .*refunds\.plan\.json/);

    const edited = data.map((r) => [...r]);
    edited[2]![3] = '300.25';
    await ws.write('refunds.csv', csv(HEADER, edited));
    const refused = await run(ws, ['run', 'refunds.csv', '--plan', 'refunds.plan.json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/input file changed since the plan: its SHA-256 was [0-9a-f]{12}…/);
    expect(refused.stderr).toMatch(/USD: the plan totals 11\.00 USD in 4 rows, the file now totals 308\.00 USD in 4 rows/);
    expect(refused.stderr).toMatch(/nothing was sent/i);
    expect(ws.sandbox.counters.requests.create).toBe(0);

    await writeFile(ws.path('refunds.csv'), planned);
    const paid = await run(ws, ['run', 'refunds.csv', '--plan', 'refunds.plan.json', '--json']);
    expect(paid.code, paid.stderr).toBe(0);
    expect([...ws.sandbox.counters.createRequests.keys()].sort()).toEqual(data.map((r) => r[0]).sort());
    expect(JSON.parse(paid.stdout.trim().split('\n').pop()!)).toMatchObject({ counts: { processed: 4 }, totals: [{ currency: 'USD', requested: '11.00', processed: '11.00' }] });
  });

  it('a plan of a file with repeat-payee holds records them; the run holds the same rows', async () => {
    ws = await workspace();
    await ws.write('refunds.csv', csv(HEADER, [...rows(2, 'rf'), ['rf-dup', 'test_usd', 'USD', '1.25', '100000']]));
    expect((await run(ws, ['plan', 'refunds.csv'])).code).toBe(1);
    const plan = JSON.parse(await readFile(ws.path('refunds.plan.json'), 'utf8')) as { holds: Array<{ line: number; reference_id: string }> };
    expect(plan.holds).toEqual([expect.objectContaining({ line: 4, reference_id: 'rf-dup' })]);
    const r = await run(ws, ['run', 'refunds.csv', '--plan', 'refunds.plan.json']);
    expect(r.code, r.stderr).toBe(1);
    expect(ws.sandbox.counters.createRequests.has('rf-dup')).toBe(false);
    expect(ws.sandbox.counters.requests.create).toBe(2);
  });

  it('live: the confirmation shows when the reviewed plan was made; a plan made for test mode is refused', async () => {
    ws = await workspace();
    await ws.write('refunds.csv', csv(HEADER, rows(2, 'rf')));
    expect((await run(ws, ['plan', 'refunds.csv'])).code).toBe(0);
    ws.sandbox.setLiveMode(true);
    const env = { ...ws.env, MILKYPAY_LEDGER_DIR: ws.path('ledger') };
    const wrongMode = await runCli(['run', 'refunds.csv', '--plan', 'refunds.plan.json', '--live'], { env, cwd: ws.dir, tty: { answer: 'yes' } });
    expect(wrongMode.code).toBe(2);
    expect(wrongMode.stderr).toMatch(/the plan was made for .* test mode\), this run is for .* live mode\)/);

    expect((await runCli(['plan', 'refunds.csv', '--live'], { env, cwd: ws.dir })).code).toBe(0);
    const { createdAt } = JSON.parse(await readFile(ws.path('refunds.plan.json'), 'utf8')) as { createdAt: string };
    const paid = await runCli(['run', 'refunds.csv', '--plan', 'refunds.plan.json', '--live'], { env, cwd: ws.dir, tty: { answer: 'yes' } });
    expect(paid.code, paid.stderr).toBe(0);
    expect(paid.stderr).toContain(`This is the file reviewed in the plan made ${createdAt}.`);
    expect(ws.sandbox.counters.requests.create).toBe(2);
  });

  it('a plan that is not a plan, or is missing, is refused with exit 2 before anything is sent', async () => {
    ws = await workspace();
    await ws.write('refunds.csv', csv(HEADER, rows(2, 'rf')));
    await ws.write('other.plan.json', '{"version":1}');
    expect((await run(ws, ['run', 'refunds.csv', '--plan', 'other.plan.json'])).stderr).toMatch(/other\.plan\.json is not a plan this tool wrote/);
    expect((await run(ws, ['run', 'refunds.csv', '--plan', 'missing.plan.json'])).code).toBe(2);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });
});
