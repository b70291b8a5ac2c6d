import { createHmac } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { payFile } from '../../src/library.js';
import { FAST_DELAYS } from '../helpers/fast-delays.js';
import { csv, workspace, type Workspace } from '../helpers/workspace.js';

/** What makes two rows "the same payout" for the repeat-payee guard, end to end through the CLI. */
async function run(ws: Workspace, args: string[]) {
  const r = await ws.cli([...args, '--log-level', 'warn'], { env: { MILKYPAY_LEDGER_DIR: ws.path('ledger') } });
  return { ...r, outcomes: async (file: string) => (await ws.results(file)).map((x) => x.outcome) };
}

const CARD = ['reference_id', 'service', 'currency', 'amount', 'fields.card_number', 'description'];
const ACCOUNT = ['reference_id', 'service', 'currency', 'amount', 'fields.account'];

describe('the same payout: service, payee, currency, amount and the description when there is one', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('two refunds of two orders at one price to one card in one file are both paid; a re-export of them is held', async () => {
    ws = await workspace();
    await ws.write('refunds.csv', csv(CARD, [
      ['rf-1', 'payment_card_usd', 'USD', '49.00', '4111111111111111', 'Refund order 9001'],
      ['rf-2', 'payment_card_usd', 'USD', '49.00', '4111111111111111', 'Refund order 9002'],
    ]));
    const first = await run(ws, ['run', 'refunds.csv']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(await first.outcomes('refunds.results.csv')).toEqual(['processed', 'processed']);

    // The same refunds exported again under fresh references (spacing and case as a person retypes them).
    await ws.write('refunds-again.csv', csv(CARD, [
      ['rf-1b', 'payment_card_usd', 'USD', '49.00', '4111111111111111', 'refund  order 9001'],
      ['rf-3', 'payment_card_usd', 'USD', '49.00', '4111111111111111', 'Refund order 9003'],
    ]));
    const again = await run(ws, ['run', 'refunds-again.csv']);
    expect(again.code).toBe(1);
    expect(await again.outcomes('refunds-again.results.csv')).toEqual(['repeat_payee', 'processed']);
  });

  it('--repeat-key payee,amount ignores descriptions; a row without a description matches any', async () => {
    ws = await workspace();
    await ws.write('refunds.csv', csv(CARD, [
      ['rf-1', 'payment_card_usd', 'USD', '49.00', '4111111111111111', 'Refund order 9001'],
      ['rf-2', 'payment_card_usd', 'USD', '49.00', '4111111111111111', 'Refund order 9002'],
      ['rf-3', 'payment_card_usd', 'USD', '49.00', '4111111111111111', ''],
    ]));
    const dry = await run(ws, ['run', 'refunds.csv', '--dry-run', '--repeat-key', 'payee,amount']);
    expect(await dry.outcomes('refunds.dryrun.csv')).toEqual(['valid', 'repeat_payee', 'repeat_payee']);
    const byDefault = await run(ws, ['run', 'refunds.csv', '--dry-run']);
    expect(await byDefault.outcomes('refunds.dryrun.csv')).toEqual(['valid', 'valid', 'repeat_payee']);
    // Without the amount: one payout per payee in the window.
    const payeeOnly = await run(ws, ['run', 'refunds.csv', '--dry-run', '--repeat-key', 'payee']);
    expect(await payeeOnly.outcomes('refunds.dryrun.csv')).toEqual(['valid', 'repeat_payee', 'repeat_payee']);
  });

  it('an unknown --repeat-key part is exit 2 naming it; the library option likewise', async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(ACCOUNT, [['a-1', 'test_usd', 'USD', '1.00', '1']]));
    const r = await run(ws, ['run', 'a.csv', '--repeat-key', 'payee,amont']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"amont"');
    expect(r.stderr).toMatch(/did you mean "amount"/);
    expect((await run(ws, ['run', 'a.csv', '--repeat-key', ''])).code).toBe(2);
    const lib = await payFile(ws.path('a.csv'), { env: ws.env, cwd: ws.dir, ledger: ws.path('ledger'), repeatKey: ['payee', 'iban'] }).catch((e: unknown) => e);
    expect(lib).toBeInstanceOf(UsageError);
    expect((lib as Error).message).toContain('"iban"');
    const notAList = await payFile(ws.path('a.csv'), { env: ws.env, cwd: ws.dir, ledger: ws.path('ledger'), allowRepeatOf: 'a-1' as unknown as string[] }).catch((e: unknown) => e);
    expect(notAList).toBeInstanceOf(UsageError);
    expect((notAList as Error).message).toMatch(/allowRepeatOf takes a list of reference_ids/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });
});

describe('the payee is who is paid', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a spreadsheet that dropped a leading zero does not make a new payee', async () => {
    ws = await workspace();
    await ws.write('june.csv', csv(ACCOUNT, [['j-1', 'test_usd', 'USD', '75.00', '0950000003']]));
    expect((await run(ws, ['run', 'june.csv'])).code).toBe(0);
    await ws.write('june-resaved.csv', csv(ACCOUNT, [['j-1-x', 'test_usd', 'USD', '75.00', '950000003']]));
    const r = await run(ws, ['run', 'june-resaved.csv']);
    expect(r.code).toBe(1);
    expect(await r.outcomes('june-resaved.results.csv')).toEqual(['repeat_payee']);
    expect(ws.sandbox.counters.requests.create).toBe(1);
  });

  it('case in a payee field is not a new payee', async () => {
    ws = await workspace();
    const header = ['reference_id', 'service', 'currency', 'amount', 'fields.wallet_id'];
    await ws.write('w.csv', csv(header, [
      ['w-1', 'wallet_usd', 'USD', '20.00', 'AbCdEf12'],
      ['w-2', 'wallet_usd', 'USD', '20.00', 'abcdef12'],
    ]));
    const r = await run(ws, ['run', 'w.csv', '--dry-run']);
    expect(await r.outcomes('w.dryrun.csv')).toEqual(['valid', 'repeat_payee']);
  });

  it('an optional field added by a re-export does not make a new payee', async () => {
    ws = await workspace();
    await ws.write('bank.csv', csv(['reference_id', 'service', 'currency', 'amount', 'fields.account'], [['b-1', 'bank_transfer_eur', 'EUR', '300.00', 'DE89370400440532013000']]));
    expect((await run(ws, ['run', 'bank.csv'])).code).toBe(0);
    const richer = ['reference_id', 'service', 'currency', 'amount', 'fields.account', 'fields.beneficiary_name'];
    await ws.write('bank-2.csv', csv(richer, [['b-1-new', 'bank_transfer_eur', 'EUR', '300.00', 'DE89370400440532013000', 'Anna Schmidt']]));
    const r = await run(ws, ['run', 'bank-2.csv']);
    expect(r.code).toBe(1);
    expect(await r.outcomes('bank-2.results.csv')).toEqual(['repeat_payee']);
    expect(ws.sandbox.counters.requests.create).toBe(1);
  });
});

describe('entries written before the repeat key had its parts', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  /** Rewrites the ledger as the previous version wrote it: v1 lines, the payee keyed on every field as sent. */
  async function asOldLedger(entries: { ref: string; service: string; fields: Record<string, string>; currency: string; amount: string }[]): Promise<void> {
    const root = ws.path('ledger');
    const [account] = await readdir(root);
    const dir = join(root, account!);
    const secret = Buffer.from((await readFile(join(dir, 'secret'), 'utf8')).trim(), 'base64');
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const lines = entries.map((e) => {
      const fields = Object.keys(e.fields).sort().map((k) => [k, e.fields[k]]);
      const payee = createHmac('sha256', secret).update(JSON.stringify([e.service, fields])).digest('base64url');
      return JSON.stringify({ v: 1, kind: 'paid', ref: e.ref, payee, currency: e.currency, amount: e.amount, at, file: 'old.csv' });
    });
    await writeFile(join(dir, 'payouts.jsonl'), lines.map((l) => `${l}\n`).join(''));
  }

  it('an old entry (no description part) holds a repeat whatever its description; another amount or payee is paid', async () => {
    ws = await workspace();
    await ws.write('seed.csv', csv(ACCOUNT, [['seed-1', 'test_usd', 'USD', '1.00', '1']]));
    expect((await run(ws, ['run', 'seed.csv'])).code).toBe(0); // creates the ledger and its secret
    await asOldLedger([
      { ref: 'old-1', service: 'test_usd', fields: { account: '123456' }, currency: 'USD', amount: '25.00' },
      { ref: 'old-2', service: 'test_usd', fields: { account: '555' }, currency: 'USD', amount: '33.00' },
    ]);
    const header = [...ACCOUNT, 'description'];
    await ws.write('new.csv', csv(header, [
      ['n-1', 'test_usd', 'USD', '25.00', '123456', 'Commission for June'],
      ['n-2', 'test_usd', 'USD', '26.00', '123456', 'Commission for June'],
      ['n-3', 'test_usd', 'USD', '25.00', '123457', 'Commission for June'],
    ]));
    const r = await run(ws, ['run', 'new.csv']);
    expect(r.code).toBe(1);
    expect(await r.outcomes('new.results.csv')).toEqual(['repeat_payee', 'processed', 'processed']);
    expect((await ws.results('new.results.csv'))[0]!.error_message).toContain('"old-1"');
    // Under a key without the payee, the old entry is compared on what it does carry (currency, amount).
    await ws.write('other.csv', csv(ACCOUNT, [['o-1', 'test_usd', 'USD', '33.00', '999999']]));
    const broad = await run(ws, ['run', 'other.csv', '--dry-run', '--repeat-key', 'amount']);
    expect(await broad.outcomes('other.dryrun.csv')).toEqual(['repeat_payee']);
    expect((await ws.results('other.dryrun.csv'))[0]!.error_message).toContain('"old-2"');
    expect(await (await run(ws, ['run', 'other.csv', '--dry-run'])).outcomes('other.dryrun.csv')).toEqual(['valid']);
  });
});

describe('--allow-repeat-of lets named rows through; the guard holds the rest', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('a flat nightly fee held on the second night: the advice and the summary name the command; the named row is paid, the other still held', async () => {
    ws = await workspace();
    await ws.write('night-1.csv', csv(ACCOUNT, [['fee-1a', 'test_usd', 'USD', '10.00', '41'], ['fee-2a', 'test_usd', 'USD', '10.00', '42']]));
    expect((await run(ws, ['run', 'night-1.csv'])).code).toBe(0);
    await ws.write('night 2.csv', csv(ACCOUNT, [['fee-1b', 'test_usd', 'USD', '10.00', '41'], ['fee-2b', 'test_usd', 'USD', '10.00', '42']]));
    const held = await run(ws, ['run', 'night 2.csv', '--max-total', 'USD:100']);
    expect(held.code).toBe(1);
    expect(held.stdout).toMatch(/Next: .*If paying them again is intended: .* run 'night 2\.csv' --max-total USD:100 --allow-repeat-of fee-1b --allow-repeat-of fee-2b /);
    expect(held.stdout).toMatch(/--repeat-window shorter than its interval/);
    const message = (await ws.results('night 2.results.csv'))[0]!.error_message;
    expect(message).toContain('rerun with --allow-repeat-of fee-1b');
    expect(message).toMatch(/a payout due on a schedule .* --repeat-window shorter than its interval/);

    const one = await run(ws, ['run', 'night 2.csv', '--allow-repeat-of', 'fee-1b']);
    expect(one.code).toBe(1);
    expect((await ws.results('night 2.results.csv')).map((r) => r.outcome)).toEqual(['processed', 'repeat_payee']);
    expect(ws.sandbox.counters.createRequests.get('fee-1b')).toBe(1);
    expect(ws.sandbox.counters.createRequests.has('fee-2b')).toBe(false);

    const typo = await run(ws, ['run', 'night 2.csv', '--allow-repeat-of', 'fee-2', '--dry-run']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"fee-2"');

    const lib = await payFile(ws.path('night 2.csv'), { env: ws.env, cwd: ws.dir, ledger: ws.path('ledger'), delays: FAST_DELAYS, allowRepeatOf: ['fee-2b'] });
    expect(lib.exitCode).toBe(0);
    expect(ws.sandbox.counters.requests.create).toBe(4);
  });
});
