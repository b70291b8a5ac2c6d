/**
 * Ten nightly runs' worth of ledger history, written through the product's own ledger API
 * (dist/ledger/ledger-store.js: openLedger, then Ledger.update returning the night's entries), not
 * by writing the file format here: whatever the ledger's storage becomes, this writes it as the
 * product would. Each night opens the ledger afresh, as a nightly run does.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './config.js';

/** What the bench uses of the ledger (src/ledger/ledger-store.ts), typed here so the bench does not compile src/. */
interface HistoryLedger {
  keys: { payee(fields: Readonly<Record<string, string>>): string; description(text: string | undefined): string };
  update(decide: (index: unknown) => object[]): Promise<void>;
  finish(): Promise<void>;
  close(): void;
}
type OpenLedger = (root: string, account: { origin: string; keyId: string; mode: 'test' | 'live' }, options?: { durable?: boolean; since?: number; windowMs?: number }) => Promise<HistoryLedger>;

const DAY_MS = 86_400_000;
/** The product's default repeat window (src/ledger/repeat-window.ts), passed as a run passes it. */
const WINDOW_MS = 3 * DAY_MS;

export interface HistoryPlan {
  /** The ledger folder's root (MILKYPAY_LEDGER_DIR of the runs that follow). */
  root: string;
  /** The account the runs pay through (the sandbox's origin and key id, test mode). */
  account: { origin: string; keyId: string; mode: 'test' };
  nights: number;
  rowsPerNight: number;
}

/** Night n of `nights` (the oldest first) is stamped n days before now less one, its entries over an hour. */
export async function writeHistory(plan: HistoryPlan, say: (line: string) => void): Promise<void> {
  const { openLedger } = (await import(pathToFileURL(join(ROOT, 'dist/ledger/ledger-store.js')).href)) as { openLedger: OpenLedger };
  const now = Date.now();
  for (let night = 0; night < plan.nights; night++) {
    const startsAt = now - (plan.nights - night) * DAY_MS;
    say(`history: night ${night + 1} of ${plan.nights}, ${plan.rowsPerNight} entries`);
    const ledger = await openLedger(plan.root, plan.account, { durable: false, since: now - WINDOW_MS, windowMs: WINDOW_MS });
    try {
      await ledger.update(() => []); // creates the ledger (its secret) on the first night: entries are keyed with it
      const entries = nightEntries(ledger, night, plan.rowsPerNight, startsAt);
      await ledger.update(() => entries);
      await ledger.finish(); // as a run ends
    } finally {
      ledger.close();
    }
  }
}

function nightEntries(ledger: HistoryLedger, night: number, rows: number, startsAt: number): object[] {
  const entries: object[] = [];
  const file = `nightly-${night + 1}.csv`;
  for (let i = 1; i <= rows; i++) {
    const n = night * rows + i;
    entries.push({
      v: 2,
      kind: 'paid',
      ref: `night-${night + 1}-${i}`,
      service: 'test_usd',
      payee: ledger.keys.payee({ account: `history-${n}` }),
      currency: 'USD',
      amount: `${(i % 5000) + 1}.${String(i % 100).padStart(2, '0')}`,
      desc: ledger.keys.description(`payout ${i} of night ${night + 1}`),
      at: new Date(startsAt + Math.floor((i * 3_600_000) / rows)).toISOString(),
      file,
    });
  }
  return entries;
}
