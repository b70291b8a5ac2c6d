import { describe, expect, it } from 'vitest';
import { openInput } from '../../src/csv/input.js';
import { InputError } from '../../src/csv/input-error.js';
import { collect, writeInput } from './input-helpers.js';

async function refusal(text: string, ignoreColumns: string[] = []): Promise<InputError> {
  const error = await openInput(writeInput(text), { ignoreColumns }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('header names match the way people write them', () => {
  it('ignores case and the difference between spaces, _ and - (Reference ID is reference_id)', async () => {
    const file = await openInput(writeInput('Reference ID,SERVICE,Currency,Amount,Fields.Account,Callback-URL,Customer.Address.Post Code\nr1,s,USD,1,123,https://x.test/cb,01001\n'));
    expect(file.columns).toEqual(['Reference ID', 'SERVICE', 'Currency', 'Amount', 'Fields.Account', 'Callback-URL', 'Customer.Address.Post Code']);
    expect(file.ignoredColumns).toEqual([]);
    const [record] = await collect(file);
    expect(record?.cells).toEqual({
      reference_id: 'r1', service: 's', currency: 'USD', amount: '1', 'fields.account': '123',
      callback_url: 'https://x.test/cb', 'customer.address.post_code': '01001',
    });
  });

  it('keeps the spelling of a key the user chooses (metadata, context, customer.metadata): only its prefix is matched', async () => {
    const [record] = await collect(await openInput(writeInput('reference_id,service,currency,amount,Metadata.OrderID,CONTEXT.cardHolder,Customer.Metadata.Tier-Code\nr1,s,USD,1,o-7,J W,gold\n')));
    expect(record?.cells).toMatchObject({ 'metadata.OrderID': 'o-7', 'context.cardHolder': 'J W', 'customer.metadata.Tier-Code': 'gold' });
  });

  it('reads the dashboard layout with its names spelt as people do', async () => {
    const file = await openInput(writeInput('Service,Service Amount,Fields Data,Reference ID\ns,5,account:1,r1\n'));
    expect(file.layout).toBe('dashboard');
    expect((await collect(file))[0]?.cells).toEqual({ service: 's', amount: '5', 'fields.account': '1', reference_id: 'r1' });
  });

  it('finds a column named twice in two spellings', async () => {
    const error = await refusal('reference_id,service,currency,amount,Reference ID\nr1,s,USD,1,r1\n');
    expect(error).toMatchObject({ code: 'duplicate_column', exitCode: 2 });
    expect(error.message).toContain('reference_id (as reference_id and Reference ID)');
  });
});

describe('an unknown column close to a known one is a typo: exit 2 with "did you mean"', () => {
  it.each([
    ['descripton', 'description'],
    ['customer.emial', 'customer.email'],
    ['Customer Email', 'customer.email'],
    ['callbackurl', 'callback_url'],
    ['feilds.account', 'fields.account'],
    ['customer.metdata.tier', 'customer.metadata.tier'],
  ])('%s: did you mean %s?', async (typo, meant) => {
    const error = await refusal(`reference_id,service,currency,amount,${typo}\nr1,s,USD,1,x\n`);
    expect(error).toMatchObject({ code: 'unknown_column', exitCode: 2, line: 1, context: { column: typo } });
    expect(error.message).toContain(`column "${typo}" is not one this tool reads: did you mean ${meant}?`);
    expect(error.message).toContain(`--ignore-column ${typo.includes(' ') ? `'${typo}'` : typo}`);
  });

  it('explains a missing required column by its typo', async () => {
    const error = await refusal('reference_id,service,currency,ammount\nr1,s,USD,1\n');
    expect(error.code).toBe('unknown_column');
    expect(error.message).toContain('did you mean amount?');
  });

  it('names every typo at once', async () => {
    const error = await refusal('reference_id,service,currency,amount,descripton,customer.emial\nr1,s,USD,1,x,y\n');
    expect(error.message).toContain('"descripton"');
    expect(error.message).toContain('"customer.emial"');
  });

  it('does not take a column for a typo of one the header already has (account beside amount)', async () => {
    const file = await openInput(writeInput('reference_id,service,currency,amount,account\nr1,s,USD,1,x\n'));
    expect(file.ignoredColumns).toEqual(['account']);
  });

  it('--ignore-column leaves the column out, in any spelling, and names it among the ignored', async () => {
    const file = await openInput(writeInput('reference_id,service,currency,amount,descripton,notes\nr1,s,USD,1,x,n\n'), { ignoreColumns: ['Descripton'] });
    expect(file.ignoredColumns).toEqual(['descripton', 'notes']);
    expect((await collect(file))[0]?.cells).toEqual({ reference_id: 'r1', service: 's', currency: 'USD', amount: '1' });
  });

  it('--ignore-column can leave out a known column, never a required one', async () => {
    const file = await openInput(writeInput('reference_id,service,currency,amount,description\nr1,s,USD,1,x\n'), { ignoreColumns: ['description'] });
    expect((await collect(file))[0]?.cells['description']).toBeUndefined();
    const error = await refusal('reference_id,service,currency,amount\nr1,s,USD,1\n', ['amount']);
    expect(error).toMatchObject({ code: 'bad_ignore_column', exitCode: 2 });
    expect(error.message).toContain('amount is a required column');
  });

  it('other unknown columns are ignored and named', async () => {
    const file = await openInput(writeInput('reference_id,service,currency,amount,notes,internal id\nr1,s,USD,1,n,7\n'));
    expect(file.ignoredColumns).toEqual(['notes', 'internal id']);
  });
});
