import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { CurrencyRules, RulesBook } from '../../src/rules/index.js';
import { runPayouts } from '../../src/run/pipeline.js';
import type { RunOptions } from '../../src/run/run-options.js';
import type { RunSummary } from '../../src/run/summary.js';
import { connect } from '../../src/wiring.js';
import { csv, HEADER, rows, workspace, type Workspace } from '../helpers/workspace.js';

/** The rules book of the run, counting what the validators ask of it, optionally with changed rules. */
function counted(book: RulesBook, change?: (rules: CurrencyRules) => CurrencyRules): RulesBook & { asked: number } {
  const counter = {
    asked: 0,
    async forCurrency(currency: string) {
      counter.asked += 1;
      const rules = await book.forCurrency(currency);
      return change ? change(rules) : rules;
    },
    serviceCurrency: (service: string) => book.serviceCurrency(service),
  };
  return counter;
}

/** test_usd now takes at most `max` USD: rules that changed after the batch was paid. */
const maxAmount = (max: string) => (rules: CurrencyRules): CurrencyRules => {
  const services = new Map(rules.services);
  services.set('test_usd', { ...services.get('test_usd')!, amountMax: max });
  return { ...rules, services };
};

describe('a rerun of a paid batch', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  /** One `run` of payouts.csv in this process, with the rules book given. */
  async function run(rules?: (book: RulesBook) => RulesBook): Promise<{ summary: RunSummary; asked: number }> {
    const logger = await createLogger({ level: 'silent' });
    const ctx = await connect({}, { env: ws.env, cwd: ws.dir }, logger);
    const book = counted(ctx.rules);
    const opts: RunOptions = {
      input: ws.path('payouts.csv'),
      concurrency: 4,
      dryRun: false,
      process: true,
      live: false,
      durable: false,
      gates: { maxTotal: [], expectTotal: [] },
      repeat: { ledgerRoot: ws.path('ledger'), windowMs: 3 * 86_400_000, windowText: '3d', allowAll: false },
    };
    try {
      const summary = await runPayouts(opts, { api: ctx.api, rules: rules ? rules(book) : book, logger, target: ctx.config, account: ctx.account });
      return { summary, asked: book.asked };
    } finally {
      await ctx.close();
    }
  }

  async function paid(count: number): Promise<string[][]> {
    ws = await workspace();
    const batch = rows(count);
    await ws.write('payouts.csv', csv(HEADER, batch));
    expect((await run()).summary.exitCode).toBe(0);
    // Not the unchanged rerun the checkpoint answers: the full path is what is measured here.
    await rm(ws.path('payouts.journal.jsonl.checkpoint'), { force: true });
    return batch;
  }

  it('reads and validates the file once: the rules are asked once, for the changed row only; the settled rows are not judged again', async () => {
    const batch = await paid(30);
    batch[4]![3] = '999.00'; // edited after it was paid: a conflict
    await ws.write('payouts.csv', csv(HEADER, batch));
    const creates = ws.sandbox.counters.requests.create;
    const { summary, asked } = await run();
    // One validator asked, for the changed row: the paying pass reads the check's plans, not the file.
    expect(asked).toBe(1);
    expect(summary.exitCode).toBe(1);
    expect(summary.counts).toMatchObject({ processed: 29, conflict: 1 });
    expect(summary.plan).toMatchObject({ send: 0, settled: 30 });
    expect(ws.sandbox.counters.requests.create).toBe(creates);
    const results = await ws.results();
    expect(results).toHaveLength(30);
    expect(results[4]).toMatchObject({ reference_id: 'ref-5', outcome: 'conflict', error_code: 'changed_since_paid' });
    expect(results.filter((r) => r.outcome === 'processed')).toHaveLength(29);
    expect(results.map((r) => r.line)).toEqual(batch.map((_, i) => String(i + 2)));
  });

  it('with every row settled as it stands asks no rules at all', async () => {
    await paid(10);
    const { summary, asked } = await run();
    expect(asked).toBe(0);
    expect(summary.exitCode).toBe(0);
    expect(summary.counts.processed).toBe(10);
  });

  it('reports settled rows as they ended even when the service rules changed since; new rows are judged by the rules as they are now', async () => {
    const batch = await paid(6); // amounts 1.25 .. 6.25
    // test_usd now takes at most 3 USD: rows 4-6 would be invalid if judged again.
    const added = [['ref-new-1', 'test_usd', 'USD', '2.50', '200001'], ['ref-new-2', 'test_usd', 'USD', '7.50', '200002']];
    await ws.write('payouts.csv', csv(HEADER, [...batch, ...added]));
    const { summary } = await run((book) => counted(book, maxAmount('3.00')));
    expect(summary.counts).toMatchObject({ processed: 7, invalid: 1 });
    const results = await ws.results();
    expect(results.slice(0, 6).map((r) => r.outcome)).toEqual(Array(6).fill('processed'));
    expect(results[6]).toMatchObject({ reference_id: 'ref-new-1', outcome: 'processed' });
    expect(results[7]).toMatchObject({ reference_id: 'ref-new-2', outcome: 'invalid', error_code: 'amount_out_of_range' });
  });

  it('with nothing to send but rules that changed: settled rows stay settled, a changed row is judged by the rules', async () => {
    const batch = await paid(6);
    batch[5]![3] = '16.25'; // changed, and above the new limit: invalid, as the full validation says
    await ws.write('payouts.csv', csv(HEADER, batch));
    const { summary } = await run((book) => counted(book, maxAmount('3.00')));
    expect(summary.counts).toMatchObject({ processed: 5, invalid: 1 });
    expect((await ws.results())[5]).toMatchObject({ reference_id: 'ref-6', outcome: 'invalid', error_code: 'amount_out_of_range' });
  });
});
