/**
 * The naive script a user would write: read the CSV, and for every row create the invoice and
 * process it, C rows at a time. No validation, no journal, no results file, no retries.
 * Shared by bare-got.ts and bare-undici.ts, which differ only in the HTTP client.
 * Usage: node <script> <file.csv> <concurrency> [reference-prefix] [max-rows]
 * Reads MILKYPAY_API_URL, MILKYPAY_KEY_ID, MILKYPAY_SECRET_KEY. Prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import pLimit from 'p-limit';

export interface Answer {
  status: number;
  /** The parsed JSON body (a naive script parses it with JSON.parse). */
  body: unknown;
}

/** POST `path` (after the base URL) with a JSON body or none. */
export type Post = (url: string, json?: unknown) => Promise<Answer>;

export interface LoopSettings {
  base: string;
  authorization: string;
  concurrency: number;
}

export function settings(): LoopSettings & { file: string; prefix: string; maxRows: number } {
  const [file, concurrencyText, prefix = 'bare-', maxRowsText] = process.argv.slice(2);
  const concurrency = Number(concurrencyText);
  const base = process.env['MILKYPAY_API_URL'];
  if (!file || !(concurrency > 0) || !base) throw new Error('usage: <script> <file.csv> <concurrency> [prefix] [max-rows], with MILKYPAY_* set');
  const authorization = `Basic ${Buffer.from(`${process.env['MILKYPAY_KEY_ID']}:${process.env['MILKYPAY_SECRET_KEY']}`).toString('base64')}`;
  return { file, concurrency, prefix, maxRows: maxRowsText ? Number(maxRowsText) : Infinity, base, authorization };
}

/** `a.b` columns nest; empty cells are left out; the amount goes as a JSON number. */
function attributes(row: Record<string, string>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === '') continue;
    const path = key.split('.');
    let at = out;
    for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]!] = key === 'amount' ? Number(value) : key === 'reference_id' ? prefix + value : value;
  }
  return out;
}

export async function payEveryRow(post: Post, s: ReturnType<typeof settings>): Promise<void> {
  let ok = 0;
  let failed = 0;
  async function pay(row: Record<string, string>): Promise<void> {
    const created = await post(`${s.base}/payout-invoices`, { data: { type: 'payout-invoice', attributes: attributes(row, s.prefix) } });
    const id = (created.body as { data?: { id?: string } } | undefined)?.data?.id;
    if (created.status !== 201 || !id) {
      failed += 1;
      return;
    }
    const processed = await post(`${s.base}/payout-invoices/${encodeURIComponent(id)}/process`);
    if (processed.status === 200) ok += 1;
    else failed += 1;
  }

  const started = performance.now();
  const limit = pLimit(s.concurrency);
  let inflight = 0;
  let wake: (() => void) | undefined;
  let read = 0;
  for await (const row of createReadStream(s.file).pipe(parse({ columns: true, bom: true }))) {
    if (++read > s.maxRows) break;
    inflight += 1;
    void limit(() => pay(row as Record<string, string>))
      .catch(() => (failed += 1))
      .finally(() => {
        inflight -= 1;
        wake?.();
      });
    while (inflight >= s.concurrency * 2) await new Promise<void>((resolve) => (wake = resolve));
  }
  while (inflight > 0) await new Promise<void>((resolve) => (wake = resolve));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ rows: ok + failed, ok, failed, seconds })}\n`);
  process.exit(0);
}
