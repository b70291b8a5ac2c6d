/**
 * One line of a ledger file. `paid`: the tool is about to create (or created) this payout;
 * `void`: that payout is known to have failed or been rejected, so it holds nothing.
 * Written before the create, so a crash between the two can only hold too much, never too little.
 *
 * Version 2 carries every part the repeat key can compare (service, payee, currency, amount,
 * description); version 1, written before, has the service folded into its payee key (every field
 * exactly as sent) and no description: it is compared on what it carries and holds a row whatever
 * that row's description (a false hold is safe, a missed repeat is not).
 */
export type LedgerEntry = LedgerEntryV1 | LedgerEntryV2;

interface EntryBase {
  kind: 'paid' | 'void';
  ref: string;
  currency: string;
  /** Exact decimal as sent. */
  amount: string;
  /** ISO 8601 time the entry was written. */
  at: string;
  /** The input file's name (no folder). */
  file: string;
}

export interface LedgerEntryV1 extends EntryBase {
  v: 1;
  /** Keyed hash of the service and every payee field exactly as sent (see `legacyPayeeKey`). */
  payee: string;
}

export interface LedgerEntryV2 extends EntryBase {
  v: 2;
  /** The service code (no payee data). */
  service: string;
  /** Keyed hash of the payee fields, normalised (see payee-key.ts). */
  payee: string;
  /** Keyed hash of the description, normalised; '' when the row had none. */
  desc: string;
}

/** The fields in the order the fast path reads them. */
export function formatLedgerEntry(e: LedgerEntry): string {
  const ordered =
    e.v === 1
      ? { v: 1, kind: e.kind, ref: e.ref, payee: e.payee, currency: e.currency, amount: e.amount, at: e.at, file: e.file }
      : { v: 2, kind: e.kind, ref: e.ref, service: e.service, payee: e.payee, currency: e.currency, amount: e.amount, desc: e.desc, at: e.at, file: e.file };
  return `${JSON.stringify(ordered)}\n`;
}

const S = '"([^"\\\\\\u0000-\\u001f]*)"';
/**
 * A line exactly as formatLedgerEntry writes it when no value needs an escape: read without
 * JSON.parse (the strings are the JSON strings' contents as they stand). Anything else goes
 * through JSON.parse.
 */
const PLAIN_V1 = new RegExp(`^\\{"v":1,"kind":"(paid|void)","ref":${S},"payee":${S},"currency":${S},"amount":${S},"at":${S},"file":${S}\\}$`);
const PLAIN_V2 = new RegExp(`^\\{"v":2,"kind":"(paid|void)","ref":${S},"service":${S},"payee":${S},"currency":${S},"amount":${S},"desc":${S},"at":${S},"file":${S}\\}$`);

/** A line that is not a ledger entry (a torn last line after a crash) gives undefined. */
export function parseLedgerLine(text: string): LedgerEntry | undefined {
  const v2 = PLAIN_V2.exec(text);
  if (v2) {
    const [, kind, ref, service, payee, currency, amount, desc, at, file] = v2 as unknown as [string, LedgerEntry['kind'], ...string[]];
    return validTime(at!) ? { v: 2, kind, ref: ref!, service: service!, payee: payee!, currency: currency!, amount: amount!, desc: desc!, at: at!, file: file! } : undefined;
  }
  const v1 = PLAIN_V1.exec(text);
  if (v1) {
    const [, kind, ref, payee, currency, amount, at, file] = v1 as unknown as [string, LedgerEntry['kind'], ...string[]];
    return validTime(at!) ? { v: 1, kind, ref: ref!, payee: payee!, currency: currency!, amount: amount!, at: at!, file: file! } : undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const strings = (keys: string[]): boolean => keys.every((k) => typeof e[k] === 'string');
  if ((e.kind !== 'paid' && e.kind !== 'void') || !strings(['ref', 'payee', 'currency', 'amount', 'at', 'file']) || !validTime(e.at as string)) return undefined;
  if (e.v === 1) return value as LedgerEntryV1;
  if (e.v === 2 && strings(['service', 'desc'])) return value as LedgerEntryV2;
  return undefined;
}

function validTime(at: string): boolean {
  return !Number.isNaN(Date.parse(at));
}
