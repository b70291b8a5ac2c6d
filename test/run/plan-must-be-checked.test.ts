/** Issue 18 §4 "Empty plan": a `--plan` that is given is always checked, in the dry run too; an empty one is refused. */
import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, rows, workspace, type CliResult, type Workspace } from '../helpers/workspace.js';

function run(ws: Workspace, args: string[]): Promise<CliResult> {
  return ws.cli([...args, '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
}

describe('--plan is never stepped over', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('run --plan "" (an unset $PLAN in a script) is exit 2, naming --plan; nothing sent', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(4, 'a')));
    const r = await run(ws, ['run', 'a.csv', '--plan', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--plan is empty/);
    expect(r.stderr).toMatch(/nothing was sent/i);
    expect(ws.sandbox.counters.requests.create).toBe(0);
    expect((await run(ws, ['run', 'a.csv', '--plan', '  ', '--dry-run'])).code).toBe(2);
  });

  it('--dry-run --plan checks the plan: an edited file is exit 2, the planned one passes, nothing is sent either way', async () => {
    ws = await workspace();
    const data = rows(4, 'a');
    await ws.write('a.csv', csv(HEADER, data));
    expect((await run(ws, ['plan', 'a.csv'])).code).toBe(0);
    const same = await run(ws, ['run', 'a.csv', '--plan', 'a.plan.json', '--dry-run']);
    expect(same.code, same.stderr).toBe(0);

    const edited = data.map((r) => [...r]);
    edited[1]![3] = '300.25';
    await ws.write('a.csv', csv(HEADER, edited));
    const refused = await run(ws, ['run', 'a.csv', '--plan', 'a.plan.json', '--dry-run']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/a\.plan\.json .* does not describe this run: the input file changed since the plan/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });
});
