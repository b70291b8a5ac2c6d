/**
 * Issue 18 §4: payFile's options are checked, never coerced. A value of the wrong type (`live: 'no'`
 * would have been `Boolean('no') === true`) is a UsageError naming the option and the type it takes,
 * before any request.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { payFile, reconcile, UsageError, type PayFileOptions } from '../../src/index.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

describe('payFile options of the wrong type', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await workspace();
    await ws.write('a.csv', csv(HEADER, rows(2, 'a')));
  });
  afterEach(async () => {
    await ws.close();
  });

  const refusal = async (options: Record<string, unknown>): Promise<UsageError> => {
    const error = await payFile('a.csv', { env: { ...ws.env, MILKYPAY_LEDGER_DIR: ws.path('ledger') }, cwd: ws.dir, ...(options as PayFileOptions) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  };

  it.each([
    [{ plan: '' }, /\bplan\b.*empty/],
    [{ live: 'no' }, /\blive\b.*true or false.*got the string "no"/],
    [{ allowRepeat: 'false' }, /\ballowRepeat\b.*true or false.*got the string "false"/],
    [{ dryRun: 1 }, /\bdryRun\b.*true or false.*got the number 1/],
    [{ concurrency: '8' }, /\bconcurrency\b.*whole number.*got the string "8"/],
    [{ expectCount: '3' }, /\bexpectCount\b.*whole number.*got the string "3"/],
    [{ maxTotal: 5000 }, /\bmaxTotal\b.*CUR:AMOUNT.*got the number 5000/],
    [{ process: 'false' }, /\bprocess\b.*true or false/],
    [{ wait: '300' }, /\bwait\b.*number of seconds.*got the string "300"/],
    [{ plan: 42 }, /\bplan\b.*path/],
  ])('%o is a UsageError naming the option and its type; nothing is sent', async (options, message) => {
    const error = await refusal(options);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('an input that is not a path, and reconcile\'s options of the wrong type, are UsageErrors too', async () => {
    const env = { ...ws.env, MILKYPAY_LEDGER_DIR: ws.path('ledger') };
    for (const input of ['', 42]) {
      const error = await payFile(input as string, { env, cwd: ws.dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/the input file .*path of the CSV file to pay/);
    }
    const error = await reconcile('a.journal.jsonl', { env, cwd: ws.dir, refreshServices: 'yes' as unknown as boolean }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/refreshServices takes true or false \(got the string "yes"\)/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('options of the right type still pay', async () => {
    const summary = await payFile('a.csv', { env: { ...ws.env, MILKYPAY_LEDGER_DIR: ws.path('ledger') }, cwd: ws.dir, live: false, allowRepeat: false, concurrency: 8, maxTotal: 'USD:10' });
    expect(summary.exitCode).toBe(0);
    expect(summary.counts.processed).toBe(2);
  });
});
