/**
 * The ceiling of the dry run: bare csv-parse iteration of the same file with `columns: true`,
 * no validation, nothing written. Usage: node dist-bench/bench/csv-bare.js <file.csv>
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const file = process.argv[2];
if (!file) throw new Error('usage: csv-bare.js <file.csv>');
const started = performance.now();
let rows = 0;
for await (const record of createReadStream(file).pipe(parse({ columns: true, bom: true }))) {
  if (record) rows += 1;
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ rows, seconds })}\n`);
