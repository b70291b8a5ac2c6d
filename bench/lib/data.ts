/** Generated input files: valid test_usd payouts with unique references. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const HEADER = 'reference_id,service,currency,amount,description,fields.account,customer.reference_id,customer.email';

/** Writes `rows` payouts whose references start with `prefix`; rows `changed(i)` pay one more unit. */
export async function writePayouts(path: string, rows: number, prefix: string, changed?: (i: number) => boolean): Promise<void> {
  const out = createWriteStream(path);
  let chunk = `${HEADER}\n`;
  for (let i = 1; i <= rows; i++) {
    const cents = String(i % 100).padStart(2, '0');
    const units = (i % 5000) + (changed?.(i) ? 2 : 1);
    chunk += `${prefix}${i},test_usd,USD,${units}.${cents},payout ${i} of the bench,${100000 + i},cust-${i},user${i}@example.com\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
