/**
 * One line of a ledger file. `paid`: the tool is about to create (or created) this payout;
 * `void`: that payout is known to have failed or been rejected, so it holds nothing.
 * Written before the create, so a crash between the two can only hold too much, never too little.
 */
export interface LedgerEntry {
  v: 1;
  kind: 'paid' | 'void';
  ref: string;
  /** Keyed hash of the payee (see payee-key.ts). */
  payee: string;
  currency: string;
  /** Exact decimal as sent. */
  amount: string;
  /** ISO 8601 time the entry was written. */
  at: string;
  /** The input file's name (no folder). */
  file: string;
}

export function formatLedgerEntry(entry: LedgerEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * A line exactly as formatLedgerEntry writes it when no value needs an escape: read without
 * JSON.parse (the strings are the JSON strings' contents as they stand). Anything else goes
 * through JSON.parse.
 */
const PLAIN = /^\{"v":1,"kind":"(paid|void)","ref":"([^"\\\u0000-\u001f]*)","payee":"([^"\\\u0000-\u001f]*)","currency":"([^"\\\u0000-\u001f]*)","amount":"([^"\\\u0000-\u001f]*)","at":"([^"\\\u0000-\u001f]*)","file":"([^"\\\u0000-\u001f]*)"\}$/;

/** A line that is not a ledger entry (a torn last line after a crash) gives undefined. */
export function parseLedgerLine(text: string): LedgerEntry | undefined {
  const plain = PLAIN.exec(text);
  if (plain) {
    const [, kind, ref, payee, currency, amount, at, file] = plain as unknown as [string, LedgerEntry['kind'], string, string, string, string, string, string];
    return Number.isNaN(Date.parse(at)) ? undefined : { v: 1, kind, ref, payee, currency, amount, at, file };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const strings = ['ref', 'payee', 'currency', 'amount', 'at', 'file'].every((k) => typeof e[k] === 'string');
  if (e.v !== 1 || (e.kind !== 'paid' && e.kind !== 'void') || !strings || Number.isNaN(Date.parse(e.at as string))) return undefined;
  return value as LedgerEntry;
}
