import { describe, expect, it } from 'vitest';
import { openInput } from '../../src/csv/input.js';
import { InputError } from '../../src/csv/input-error.js';
import { collect, writeInput } from './input-helpers.js';

const PLAIN = [
  'reference_id,service,currency,amount,fields.account,description',
  'r1,test_usd,USD,10.50,12345,first',
  'r2,test_usd,USD,3,678,"two, with comma"',
  'r3,test_usd,USD,7,,"multi',
  'line ""quoted"""',
  'r4,test_usd,USD,1,9,',
  '',
].join('\n');

describe('openInput: the standard layout', () => {
  it('reads records keyed by column, empty cells absent, with their first line', async () => {
    const file = await openInput(writeInput(PLAIN));
    expect(file.layout).toBe('standard');
    expect(file.delimiter).toBe(',');
    expect(file.columns).toEqual(['reference_id', 'service', 'currency', 'amount', 'fields.account', 'description']);
    expect(file.ignoredColumns).toEqual([]);
    const records = await collect(file);
    expect(records).toEqual([
      { line: 2, cells: { reference_id: 'r1', service: 'test_usd', currency: 'USD', amount: '10.50', 'fields.account': '12345', description: 'first' } },
      { line: 3, cells: { reference_id: 'r2', service: 'test_usd', currency: 'USD', amount: '3', 'fields.account': '678', description: 'two, with comma' } },
      { line: 4, cells: { reference_id: 'r3', service: 'test_usd', currency: 'USD', amount: '7', description: 'multi\nline "quoted"' } },
      { line: 6, cells: { reference_id: 'r4', service: 'test_usd', currency: 'USD', amount: '1', 'fields.account': '9' } },
    ]);
  });

  it('gives the same records for BOM + CRLF + ";" + quoted line breaks', async () => {
    const plain = await collect(await openInput(writeInput(PLAIN)));
    const windows = '\uFEFF' + PLAIN.replaceAll('\n', '\r\n').replaceAll(',', ';').replace('two; with comma', 'two, with comma');
    const file = await openInput(writeInput(windows));
    expect(file.delimiter).toBe(';');
    const records = await collect(file);
    expect(records.map((r) => r.line)).toEqual(plain.map((r) => r.line));
    expect(records.map((r) => ({ ...r.cells, description: r.cells['description']?.replaceAll('\r\n', '\n') }))).toEqual(
      plain.map((r) => ({ ...r.cells, description: r.cells['description'] })),
    );
  });

  it('counts lines across blank lines, CRLF and several quoted line breaks', async () => {
    const text = [
      '',
      'reference_id,service,currency,amount,description',
      '',
      'a,s,USD,1,"x',
      'y',
      'z"',
      '',
      '   ',
      'b,s,USD,2,"p\r\nq"',
      'c,s,USD,3,r',
    ].join('\r\n');
    const records = await collect(await openInput(writeInput(text)));
    expect(records.map((r) => [r.cells['reference_id'], r.line])).toEqual([
      ['a', 4],
      ['b', 9],
      ['c', 11],
    ]);
  });

  it('counts lines in a file with old Mac line ends (CR only)', async () => {
    const records = await collect(await openInput(writeInput('reference_id,service,currency,amount\ra,s,USD,1\rb,s,USD,2\r')));
    expect(records.map((r) => r.line)).toEqual([2, 3]);
  });

  it('skips rows whose cells are all empty', async () => {
    const records = await collect(await openInput(writeInput('reference_id,service,currency,amount\n,,,\na,s,USD,1\n,,,\n')));
    expect(records).toEqual([{ line: 3, cells: { reference_id: 'a', service: 's', currency: 'USD', amount: '1' } }]);
  });

  it('keeps the spaces of a cell (a value is never changed)', async () => {
    const [r] = await collect(await openInput(writeInput('reference_id,service,currency,amount\na,s,USD, 5\n')));
    expect(r?.cells['amount']).toBe(' 5');
  });

  it('trims header names', async () => {
    const file = await openInput(writeInput(' reference_id , service,currency,amount \na,s,USD,1\n'));
    expect(file.columns).toEqual(['reference_id', 'service', 'currency', 'amount']);
    expect((await collect(file))[0]?.cells['amount']).toBe('1');
  });

  it('marks a row with the wrong number of cells as malformed and goes on', async () => {
    const text = 'reference_id,service,currency,amount,description\na,s,USD,1,ok\nb,s,USD,1,5,50\nc,s,USD\nd,s,USD,1,fine\n';
    const records = await collect(await openInput(writeInput(text)));
    expect(records.map((r) => r.line)).toEqual([2, 3, 4, 5]);
    expect(records[1]).toEqual({
      line: 3,
      cells: { reference_id: 'b' }, // the reference found in its column, so the results row can be told apart
      malformed: { code: 'malformed_row', message: expect.stringContaining('line 3 has 6 cells, the header has 5: a value holds an unquoted ","') },
    });
    expect(records[2]).toEqual({
      line: 4,
      cells: { reference_id: 'c' },
      malformed: { code: 'malformed_row', message: expect.stringContaining('line 4 has 3 cells, the header has 5: a cell is missing: give every row 5 cells') },
    });
    expect(records[3]).toEqual({ line: 5, cells: { reference_id: 'd', service: 's', currency: 'USD', amount: '1', description: 'fine' } });
  });

  it('maps every optional column and lists unknown ones once', async () => {
    const header = [
      'reference_id', 'service', 'currency', 'amount', 'description', 'callback_url', 'fields.card_number',
      'customer.reference_id', 'customer.email', 'customer.address.city', 'customer.metadata.tier',
      'metadata.batch', 'context.cardholder', 'notes', 'customer.emial', 'customer.address.planet', '',
    ];
    const row = ['r', 's', 'EUR', '2', 'd', 'https://x.test/cb', '4111', 'c1', 'a@b.co', 'Kyiv', 'gold', 'b7', 'J W', 'n', 'x', 'y', 'z'];
    const file = await openInput(writeInput(`${header.join(',')}\n${row.join(',')}\n`));
    expect(file.ignoredColumns).toEqual(['notes', 'customer.emial', 'customer.address.planet', '(unnamed column 17)']);
    const [r] = await collect(file);
    expect(r?.cells).toEqual({
      reference_id: 'r', service: 's', currency: 'EUR', amount: '2', description: 'd', callback_url: 'https://x.test/cb',
      'fields.card_number': '4111', 'customer.reference_id': 'c1', 'customer.email': 'a@b.co', 'customer.address.city': 'Kyiv',
      'customer.metadata.tier': 'gold', 'metadata.batch': 'b7', 'context.cardholder': 'J W',
    });
  });

  it('refuses a header-only file: the export looks empty (exit 2)', async () => {
    for (const text of ['reference_id,service,currency,amount\n', 'reference_id,service,currency,amount\r\n\r\n,,,\r\n']) {
      const error = await openInput(writeInput(text)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ code: 'no_rows', exitCode: 2, line: 1 });
      expect((error as Error).message).toContain('has a header line but no payout rows: the export looks empty');
    }
  });

  it('keeps no reference for a malformed row whose reference cell is empty or missing', async () => {
    const records = await collect(await openInput(writeInput('amount,reference_id,service,currency\n1,,s,USD,x\n1\n2,r,s,USD\n')));
    expect(records.map((r) => r.cells['reference_id'])).toEqual([undefined, undefined, 'r']);
  });

  it('uses the delimiter it is given', async () => {
    const file = await openInput(writeInput('reference_id;service;currency;amount;description\na;s;USD;1;x,y\n'), { delimiter: ';' });
    expect(file.delimiter).toBe(';');
    expect((await collect(file))[0]?.cells['description']).toBe('x,y');
  });

  it('can be read again, and stops cleanly when the reader breaks off', async () => {
    const lines = ['reference_id,service,currency,amount'];
    for (let i = 0; i < 5000; i++) lines.push(`r${i},s,USD,${i + 1}`);
    const file = await openInput(writeInput(lines.join('\n')));
    let seen = 0;
    for await (const batch of file.batches()) {
      seen += batch.length;
      break; // the reader breaks off after its first batch
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(5000);
    const all = await collect(file);
    expect(all).toHaveLength(5000);
    expect(all[4999]).toEqual({ line: 5001, cells: { reference_id: 'r4999', service: 's', currency: 'USD', amount: '5000' } });
    let batched = 0;
    for await (const batch of file.batches()) batched += batch.length;
    expect(batched).toBe(5000);
  });
});

describe('openInput: the dashboard batch layout', () => {
  it('expands key:value cells, maps service_amount and leaves the currency to the service', async () => {
    const text = [
      'service,service_amount,fields_data,reference_id,description,customer,customer_metadata',
      'test_usd,10.50,"account:12345;test_details_payout_status:processed",d1,first,"reference_id:c1; email:a@b.co",tier:gold;note:a:b',
      'test_eur,3,account:9,d2,,,',
    ].join('\n');
    const file = await openInput(writeInput(text));
    expect(file.layout).toBe('dashboard');
    expect(file.delimiter).toBe(',');
    expect(await collect(file)).toEqual([
      {
        line: 2,
        cells: {
          service: 'test_usd', amount: '10.50', 'fields.account': '12345', 'fields.test_details_payout_status': 'processed',
          reference_id: 'd1', description: 'first', 'customer.reference_id': 'c1', 'customer.email': 'a@b.co',
          'customer.metadata.tier': 'gold', 'customer.metadata.note': 'a:b',
        },
      },
      { line: 3, cells: { service: 'test_eur', amount: '3', 'fields.account': '9', reference_id: 'd2' } },
    ]);
  });

  it('marks a key:value cell without a key as malformed, keeping the reference', async () => {
    const text = 'service,service_amount,fields_data,reference_id\ntest_usd,1,12345,d1\n';
    const [r] = await collect(await openInput(writeInput(text)));
    expect(r?.malformed?.code).toBe('malformed_row');
    expect(r?.malformed?.message).toContain('"12345" is not key:value');
    expect(r?.cells['reference_id']).toBe('d1');
  });
});
