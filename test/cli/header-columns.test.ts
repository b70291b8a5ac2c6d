import { afterEach, describe, expect, it } from 'vitest';
import { csv, workspace, type Workspace } from '../helpers/workspace.js';

describe('columns of the input file, as the operator meets them', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a header written the way people write it is read (Reference ID, Fields Account is not a typo of fields.account)', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(['Reference ID', 'Service', 'Currency', 'Amount', 'Fields.Account'], [['r1', 'test_usd', 'USD', '10.00', '12345']]));

    const r = await ws.cli(['run', input]);

    expect(r.code, r.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(1);
  });

  it('a typo in a column name is exit 2 before anything is sent; --ignore-column lets the run go on, and the summary names it', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv(['reference_id', 'service', 'currency', 'amount', 'fields.account', 'descripton', 'notes'], [['r1', 'test_usd', 'USD', '10.00', '12345', 'Refund', 'n']]));

    const refused = await ws.cli(['run', input, '--json']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('did you mean description?');
    expect(ws.sandbox.counters.requests.create).toBe(0);

    const r = await ws.cli(['run', input, '--ignore-column', 'descripton']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Columns ignored (not read, not sent): descripton, notes');

    const again = await ws.cli(['run', input, '--ignore-column', 'descripton', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ ignoredColumns: ['descripton', 'notes'] });
  });

  it('a tab-separated file is paid, found from its header or named with --delimiter tab; a comma file run with --delimiter ";" is told to drop it', async () => {
    ws = await workspace();
    const tsv = await ws.write('payouts.tsv', csv(['reference_id', 'service', 'currency', 'amount', 'fields.account'], [['t1', 'test_usd', 'USD', '10.00', '12345']], '\n', '\t'));
    const comma = await ws.write('comma.csv', csv(['reference_id', 'service', 'currency', 'amount', 'fields.account'], [['c1', 'test_usd', 'USD', '12.00', '12347']]));
    const excel = await ws.write('excel.csv', `sep=;\r\n${csv(['reference_id', 'service', 'currency', 'amount', 'fields.account'], [['e1', 'test_usd', 'USD', '11.00', '12346']], '\r\n', ';')}`);

    const detected = await ws.cli(['run', tsv, '--dry-run']);
    expect(detected.code, detected.stderr).toBe(0);
    const named = await ws.cli(['run', tsv, '--delimiter', 'tab']);
    expect(named.code, named.stderr).toBe(0);
    const declared = await ws.cli(['run', excel]);
    expect(declared.code, declared.stderr).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(2);

    const wrong = await ws.cli(['run', comma, '--delimiter', ';']);
    expect(wrong.code, wrong.stderr).toBe(2);
    expect(wrong.stderr).toContain(`Its header line is separated by ",": drop --delimiter ';'`);
    expect(ws.sandbox.counters.requests.create).toBe(2);
  });
});
