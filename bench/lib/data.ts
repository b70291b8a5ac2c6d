/** Generated input files: valid test_usd payouts with unique references and payees. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { randomInt } from 'node:crypto';

export const HEADER = 'reference_id,service,currency,amount,description,fields.account,customer.reference_id,customer.email';

export interface PayoutFile {
  /** Rows `changed(i)` pay one more unit (a file edited after it was paid). */
  changed?: (i: number) => boolean;
  /**
   * Accounts are `accountBase + i`. Each file gets its own by default, so no two runs of the
   * bench pay one payee the same amount (the repeat-payee guard would hold the second);
   * a rewrite of a file passes the base it was written with.
   */
  accountBase?: number;
}

/** Writes `rows` payouts whose references start with `prefix`; returns the account base used. */
export async function writePayouts(path: string, rows: number, prefix: string, o: PayoutFile = {}): Promise<number> {
  const accountBase = o.accountBase ?? randomInt(1, 90_000) * 10_000_000;
  const out = createWriteStream(path);
  let chunk = `${HEADER}\n`;
  for (let i = 1; i <= rows; i++) {
    const cents = String(i % 100).padStart(2, '0');
    const units = (i % 5000) + (o.changed?.(i) ? 2 : 1);
    chunk += `${prefix}${i},test_usd,USD,${units}.${cents},payout ${i} of the bench,${accountBase + i},cust-${i},user${i}@example.com\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return accountBase;
}
