import { basename, dirname, extname, join, resolve } from 'node:path';

/** Default output paths beside the input: `payouts.csv` -> `payouts.results.csv`, `payouts.journal.jsonl`. */
export function defaultPaths(input: string): { results: string; journal: string } {
  const full = resolve(input);
  const stem = basename(full, extname(full));
  return { results: join(dirname(full), `${stem}.results.csv`), journal: join(dirname(full), `${stem}.journal.jsonl`) };
}
