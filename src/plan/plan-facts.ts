import { basename } from 'node:path';
import type { LedgerAccount } from '../ledger/ledger-location.js';
import type { PlanFacts } from './plan-file.js';
import { rulesDigest } from './rules-digest.js';
import type { RulesBook } from '../rules/index.js';
import type { CurrencyTotals, HeldSample } from '../run/summary.js';

/** What the check knows that a plan records (and `run --plan` compares). */
export interface CheckFacts {
  input: string;
  sha256: string;
  account: LedgerAccount;
  rows: number;
  validRows: number;
  totals: readonly CurrencyTotals[];
  holds: readonly HeldSample[];
  rules: RulesBook;
}

/** What a plan records of a run's check (and what `run --plan` compares it with). */
export async function planFacts(o: CheckFacts): Promise<PlanFacts> {
  return {
    input: { file: basename(o.input), sha256: o.sha256 },
    api: { origin: o.account.origin, account: o.account.keyId, mode: o.account.mode },
    rows: o.rows,
    validRows: o.validRows,
    totals: o.totals.map((t) => ({ currency: t.currency, rows: t.rows, amount: t.requested })),
    rulesDigest: await rulesDigest(o.rules, o.totals.map((t) => t.currency)),
    holds: o.holds.map((h) => ({ line: h.line, reference_id: h.reference_id, message: h.message })),
  };
}
