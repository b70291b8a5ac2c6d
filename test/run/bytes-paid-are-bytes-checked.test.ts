/**
 * SPEC §3 "The bytes paid are the bytes checked" (issue 18 §1): validation, totals, gates, the
 * plan's hash and the live confirmation describe exactly the bytes rows are sent from. The file
 * is changed in place (same length, the last row now pays 99.00 to account 999999) at moments the
 * sandbox or the run itself announce, never after a sleep.
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { payFile, UsageError } from '../../src/index.js';
import { workspace, type Workspace } from '../helpers/workspace.js';
import { FAST_DELAYS } from '../helpers/fast-delays.js';

const HEADER = 'reference_id,service,currency,amount,fields.account,description';
/** 160 rows of 25.00 with a long description: about 500 KB, read in several chunks. */
function original(): string {
  const lines = [HEADER];
  for (let i = 0; i < 160; i++) lines.push(`tc-${i},test_usd,USD,25.00,${100000 + i},${`Refund of order ${i} `.padEnd(3000, '.')}`);
  return `${lines.join('\n')}\n`;
}
/** The same length, the last row to another account for another amount. */
function tampered(text: string): string {
  const changed = text.replace('tc-159,test_usd,USD,25.00,100159,', 'tc-159,test_usd,USD,99.00,999999,');
  expect(changed.length).toBe(text.length);
  expect(changed).not.toBe(text);
  return changed;
}

/** Calls `then` once, synchronously, when the sandbox first counts an entry in `map` (e.g. the first invoice created). */
function onFirstSet(map: Map<string, number>, then: () => void): void {
  const set = map.set.bind(map);
  let fired = false;
  map.set = (key, value) => {
    if (!fired) {
      fired = true;
      then();
    }
    return set(key, value);
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const ledgerEnv = (ws: Workspace): NodeJS.ProcessEnv => ({ MILKYPAY_LEDGER_DIR: ws.path('ledger') });

describe('the bytes paid are the bytes checked', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('run --plan: a file rewritten after the first creates never has its changed row sent, and the run says the file changed', async () => {
    ws = await workspace();
    const text = original();
    await ws.write('a.csv', text);
    const made = await ws.cli(['plan', 'a.csv', '--log-level', 'warn'], { env: ledgerEnv(ws) });
    expect(made.code, made.stderr).toBe(0);

    onFirstSet(ws.sandbox.counters.invoicesCreated, () => writeFileSync(ws.path('a.csv'), tampered(text)));
    const r = await ws.cli(
      ['run', 'a.csv', '--plan', 'a.plan.json', '--concurrency', '2', '--max-total', 'USD:4000.00', '--expect-total', 'USD:4000.00', '--log-level', 'debug'],
      { env: ledgerEnv(ws) },
    );
    const last = ws.sandbox.invoices().filter((i) => i.referenceId === 'tc-159');
    // Only the checked bytes are paid: tc-159 as planned, or not at all; never 99.00.
    expect(last.every((i) => i.amount === '25.00')).toBe(true);
    expect(ws.sandbox.invoices().some((i) => i.amount === '99.00')).toBe(false);
    expect(ws.sandbox.invoices()).toHaveLength(160);
    // It says so, naming the file and what to do, and does not end as if nothing happened.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${ws.path('a.csv')} changed during this run`);
    expect(r.stdout).toMatch(/the changes were not paid/);
    expect(r.stdout).not.toMatch(/^Paid as planned in \S+$/m);
    expect(r.stdout).toMatch(/USD: 160 valid rows · 4000\.00 requested · processed 4000\.00/);
    // The private copy the run paid from is gone.
    const copy = /"copy":"([^"]+)"/.exec(r.stderr)?.[1];
    expect(copy, 'the debug log names the private copy').toBeDefined();
    expect(existsSync(copy!)).toBe(false);
  });

  it('a file changed while the confirmation waits: nothing is sent, the error names the file', async () => {
    ws = await workspace();
    const text = original();
    await ws.write('a.csv', text);
    const error = await payFile('a.csv', {
      env: { ...ws.env, ...ledgerEnv(ws) },
      cwd: ws.dir,
      delays: FAST_DELAYS,
      concurrency: 2,
      confirm: async () => {
        await writeFile(ws.path('a.csv'), tampered(text));
        return true;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`${ws.path('a.csv')} changed after it was checked`);
    expect((error as Error).message).toMatch(/nothing was sent/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('plan: the hash it records is of the very bytes it validated and totalled', async () => {
    ws = await workspace();
    const text = original();
    await ws.write('a.csv', text);
    // The rules are fetched once the first rows are read: change the file then.
    let fired = false;
    let prerequests = 0;
    Object.defineProperty(ws.sandbox.counters.requests, 'prerequest', {
      get: () => prerequests,
      set: (n: number) => {
        prerequests = n;
        if (!fired) {
          fired = true;
          writeFileSync(ws.path('a.csv'), tampered(text));
        }
      },
    });
    const r = await ws.cli(['plan', 'a.csv', '--log-level', 'warn'], { env: ledgerEnv(ws) });
    expect(fired).toBe(true);
    const plan = JSON.parse(await readFile(ws.path('a.plan.json'), 'utf8')) as { input: { sha256: string }; totals: unknown };
    // The plan describes the bytes read at the start, its hash and its totals alike; the file changed after: it says so.
    expect(plan.input.sha256).toBe(sha256(text));
    expect(plan.totals).toEqual([{ currency: 'USD', rows: 160, amount: '4000.00' }]);
    expect(r.stdout).toContain(`${ws.path('a.csv')} changed during this run`);
    expect(r.stdout).toMatch(/^Next: plan again once the file is final: .* plan a\.csv$/m);
    expect(r.stdout).not.toMatch(/pay exactly this file/);
    expect(r.code).toBe(1);
    // And the file as it is now is refused by that plan, nothing sent.
    const refused = await ws.cli(['run', 'a.csv', '--plan', 'a.plan.json', '--log-level', 'warn'], { env: ledgerEnv(ws) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/input file changed since the plan/);
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });

  it('an unchanged file pays as planned, exit 0, no word of a change', async () => {
    ws = await workspace();
    await ws.write('a.csv', original());
    expect((await ws.cli(['plan', 'a.csv', '--log-level', 'warn'], { env: ledgerEnv(ws) })).code).toBe(0);
    const r = await ws.cli(['run', 'a.csv', '--plan', 'a.plan.json', '--max-total', 'USD:4000.00', '--log-level', 'warn'], { env: ledgerEnv(ws) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Paid as planned in \S+a\.plan\.json$/m);
    expect(r.stdout + r.stderr).not.toMatch(/changed/);
  });
});
