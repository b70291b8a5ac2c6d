import { describe, expect, it } from 'vitest';
import type { Delimiter } from '../../src/csv/head.js';
import { openInput } from '../../src/csv/input.js';
import { InputError } from '../../src/csv/input-error.js';
import { collect, writeInput } from './input-helpers.js';

async function refusal(text: string, delimiter?: Delimiter): Promise<InputError> {
  const error = await openInput(writeInput(text), delimiter ? { delimiter } : {}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('the delimiter: comma, semicolon or tab, found from the header or declared by an Excel sep= line', () => {
  it('reads a tab-separated file (a spreadsheet copied out, a .tsv export)', async () => {
    const file = await openInput(writeInput('reference_id\tservice\tcurrency\tamount\tdescription\nr1\ttest_usd\tUSD\t1.50\tRefund, late\n'));
    expect(file.delimiter).toBe('\t');
    expect((await collect(file))[0]).toEqual({ line: 2, cells: { reference_id: 'r1', service: 'test_usd', currency: 'USD', amount: '1.50', description: 'Refund, late' } });
  });

  it('takes a tab when told to', async () => {
    const file = await openInput(writeInput('reference_id\tservice\tcurrency\tamount\nr1\ts\tUSD\t1\n'), { delimiter: '\t' });
    expect((await collect(file))[0]?.cells['amount']).toBe('1');
  });

  it('an Excel "sep=;" first line declares the delimiter and is not a row; line numbers are the file\'s', async () => {
    const text = '\uFEFFsep=;\r\nreference_id;service;currency;amount;description\r\nr1;s;USD;1;a,b\r\nr2;s;USD\r\n';
    const file = await openInput(writeInput(text));
    expect(file.delimiter).toBe(';');
    const records = await collect(file);
    expect(records.map((r) => r.line)).toEqual([3, 4]);
    expect(records[0]?.cells).toEqual({ reference_id: 'r1', service: 's', currency: 'USD', amount: '1', description: 'a,b' });
    expect(records[1]?.malformed?.message).toContain('line 4 has 3 cells');
  });

  it('a "sep=" line declaring a delimiter the tool does not read is named with its fix', async () => {
    const error = await refusal('sep=|\nreference_id|service|currency|amount\nr1|s|USD|1\n');
    expect(error).toMatchObject({ code: 'not_csv', exitCode: 2, line: 1 });
    expect(error.message).toContain('sep=|');
    expect(error.message).toContain('save it as "CSV UTF-8"');
  });

  it('a "sep=" line against --delimiter: the file says which, and the fix is to drop the option', async () => {
    const error = await refusal('sep=;\nreference_id;service;currency;amount\nr1;s;USD;1\n', ',');
    expect(error.message).toContain('declares its delimiter on line 1 (sep=;)');
    expect(error.message).toContain('drop --delimiter');
  });

  it('a comma file run with --delimiter ";" is told to drop it, not to pass it', async () => {
    const error = await refusal('reference_id,service,currency,amount\nr1,s,USD,1\n', ';');
    expect(error.code).toBe('missing_column');
    expect(error.message).toContain('Its header line is separated by ","');
    expect(error.message).toContain("drop --delimiter ';'");
  });

  it('a tab file run with --delimiter "," is told its delimiter by name', async () => {
    const error = await refusal('reference_id\tservice\tcurrency\tamount\nr1\ts\tUSD\t1\n', ',');
    expect(error.message).toContain('Its header line is separated by tabs');
  });

  it('a file separated by something else is told what the tool reads', async () => {
    const error = await refusal('reference_id|service|currency|amount\nr1|s|USD|1\n');
    expect(error.code).toBe('missing_column');
    expect(error.message).toContain('separated by "|"');
    expect(error.message).not.toContain('--delimiter');
  });

  it('a row split by a tab inside a value is told so in words', async () => {
    const records = await collect(await openInput(writeInput('reference_id\tservice\tcurrency\tamount\nr1\ts\tUSD\t1\t5\n')));
    expect(records[0]?.malformed?.message).toContain('a value holds an unquoted tab');
  });
});

/** The error reading the whole file ends in (a broken row past the first is found by the reader). */
async function readError(text: string): Promise<InputError> {
  const error = await openInput(writeInput(text)).then(collect).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('a stray double quote is shown in the user\'s own cell, with that cell fixed', () => {
  it('a quote inside an unquoted cell', async () => {
    const error = await readError('reference_id,service,currency,amount,description\nr1,s,USD,1,ok\nr2,s,USD,1,Samsung 27" screen\n');
    expect(error).toMatchObject({ code: 'invalid_csv', line: 3 });
    expect(error.message).toContain('line 3, column description');
    expect(error.message).toContain('Samsung 27" screen');
    expect(error.message).toContain('"Samsung 27"" screen"');
    expect(error.message).not.toContain('monitor');
  });

  it('a quoted cell that goes on after its closing quote', async () => {
    const error = await readError('reference_id,service,currency,amount,description\nr1,s,USD,1,"27" screen\n');
    expect(error.message).toContain('"27" screen');
    expect(error.message).toContain('"""27"" screen"');
    expect(error.message).not.toContain('monitor');
  });

  it('a payee field is masked, not shown whole', async () => {
    const error = await readError('reference_id,service,currency,amount,fields.account\nr1,s,USD,1,4111111"111111111\n');
    expect(error.code).toBe('invalid_csv');
    expect(error.message).not.toContain('4111111"111111111');
  });
});
