/**
 * What changed in a row since the journal recorded it as sent (pure). The journal keeps only a
 * keyed digest of the payee, so the payee field that changed is found by trying what spreadsheets
 * and people do to a cell (a leading zero dropped or added, case, spaces) until the digest matches.
 */
import { canonicalAmount } from '../money.js';
import { maskValue } from '../mask.js';
import { whereTheyDiffer } from './conflict-advice.js';
import type { Fingerprinter, PaymentData } from './fingerprint.js';
import type { RowRecord } from './record.js';

/** What differs between the row as it is now and what the journal says was sent: `amount 12.00 (the row says 10.00)`, `fields.account …`. */
export function changesSinceSent(record: RowRecord, row: PaymentData, fingerprint: Fingerprinter): string[] {
  const diffs: string[] = [];
  if (record.service && record.service !== row.service) diffs.push(`service ${record.service} (the row says ${row.service})`);
  if (record.currency && record.currency !== row.currency) diffs.push(`currency ${record.currency} (the row says ${row.currency})`);
  if (record.amount && canonicalAmount(record.amount) !== canonicalAmount(row.amount)) diffs.push(`amount ${record.amount} (the row says ${row.amount})`);
  if (diffs.length) return diffs;
  const sent = { ...row, ...(record.service ? { service: record.service } : {}), ...(record.currency ? { currency: record.currency } : {}), ...(record.amount ? { amount: record.amount } : {}) };
  return [payeeChange(record.fp, sent, fingerprint)];
}

/** The one payee field whose likely earlier value gives the journal's digest, else the fields that may have changed. */
function payeeChange(fp: string, row: PaymentData, fingerprint: Fingerprinter): string {
  const keys = Object.keys(row.fields);
  for (const key of keys) {
    const value = row.fields[key]!;
    for (const before of earlierValues(value)) {
      if (fingerprint({ ...row, fields: { ...row.fields, [key]: before } }) !== fp) continue;
      const where = whereTheyDiffer(before, value);
      return `fields.${key} was sent as ${maskValue(before)} (the row says ${maskValue(value)}${where ? `, ${where}` : ''})`;
    }
    const without = { ...row.fields };
    delete without[key];
    if (fingerprint({ ...row, fields: without }) === fp) return `fields.${key} was not in the row when it was sent`;
  }
  const names = keys.map((k) => `fields.${k}`).join(', ');
  if (keys.length === 1) return `${names} differs from what was sent (the journal keeps only a keyed digest of it, so not how)`;
  return `the payee (${names || 'no fields'}) differs from what was sent (the journal keeps only a keyed digest of it, so not which field)`;
}

/** What a cell may have been before a spreadsheet or a person changed it. */
function earlierValues(value: string): string[] {
  const out = new Set<string>();
  if (/^\d+$/.test(value)) for (const zeros of ['0', '00', '000']) out.add(zeros + value);
  if (/^0+\d/.test(value)) out.add(value.replace(/^0+(?=\d)/, ''));
  out.add(value.trim());
  out.add(value.toUpperCase());
  out.add(value.toLowerCase());
  out.add(value.replace(/\s+/g, ''));
  out.delete(value);
  return [...out];
}
