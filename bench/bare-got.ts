/**
 * The naive baseline: a bare loop doing create + process for every row of a CSV file under the
 * same concurrency, with got and a keep-alive agent. No validation, no journal, no results file.
 * Usage: node dist-bench/bench/naive.js <file.csv> <concurrency> [reference-prefix] [max-rows]
 * Reads MILKYPAY_API_URL, MILKYPAY_KEY_ID, MILKYPAY_SECRET_KEY. Prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import http from 'node:http';
import { parse } from 'csv-parse';
import got from 'got';
import pLimit from 'p-limit';

const [file, concurrencyText, prefix = 'naive-', maxRowsText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
/** Only the first N rows of the file (a shorter baseline for a long run); all by default. */
const maxRows = maxRowsText ? Number(maxRowsText) : Infinity;
const base = process.env['MILKYPAY_API_URL'];
if (!file || !(concurrency > 0) || !base) throw new Error('usage: naive.js <file.csv> <concurrency> [prefix], with MILKYPAY_* set');

const auth = `Basic ${Buffer.from(`${process.env['MILKYPAY_KEY_ID']}:${process.env['MILKYPAY_SECRET_KEY']}`).toString('base64')}`;
const client = got.extend({
  agent: { http: new http.Agent({ keepAlive: true }) },
  headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
  responseType: 'json',
  retry: { limit: 0 },
  throwHttpErrors: false,
});

/** `a.b` columns nest; empty cells are left out; the amount goes as a JSON number. */
function attributes(row: Record<string, string>): Record<string, unknown> {
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

interface Created {
  data?: { id?: string };
}

let ok = 0;
let failed = 0;
async function pay(row: Record<string, string>): Promise<void> {
  const created = await client.post<Created>(`${base}/payout-invoices`, { json: { data: { type: 'payout-invoice', attributes: attributes(row) } } });
  const id = created.body.data?.id;
  if (created.statusCode !== 201 || !id) {
    failed += 1;
    return;
  }
  const processed = await client.post(`${base}/payout-invoices/${encodeURIComponent(id)}/process`);
  if (processed.statusCode === 200) ok += 1;
  else failed += 1;
}

const started = performance.now();
const limit = pLimit(concurrency);
let inflight = 0;
let wake: (() => void) | undefined;
let read = 0;
for await (const row of createReadStream(file).pipe(parse({ columns: true, bom: true }))) {
  if (++read > maxRows) break;
  inflight += 1;
  void limit(() => pay(row as Record<string, string>))
    .catch(() => (failed += 1))
    .finally(() => {
      inflight -= 1;
      wake?.();
    });
  while (inflight >= concurrency * 2) await new Promise<void>((resolve) => (wake = resolve));
}
while (inflight > 0) await new Promise<void>((resolve) => (wake = resolve));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ rows: ok + failed, ok, failed, seconds })}\n`);
process.exit(0);
