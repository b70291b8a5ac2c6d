import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { lockPathOf } from '../journal/lock.js';
import { whyNotWritable } from '../writable-folder.js';

export interface RunPaths {
  results: string;
  journal: string;
}

/**
 * Default output paths beside the input: `payouts.csv` -> `payouts.results.csv`, `payouts.journal.jsonl`.
 * A `--sandbox` run gets `payouts.sandbox.*` so a rehearsal never touches the real run's files.
 */
export function defaultPaths(input: string, opts: { sandbox?: boolean } = {}): RunPaths {
  return { results: besideInput(input, '.results.csv', opts), journal: besideInput(input, '.journal.jsonl', opts) };
}

/** `payouts.csv` -> `payouts.plan.json` beside it. */
export function defaultPlanPath(input: string): string {
  return besideInput(input, '.plan.json');
}

/** Every file named after the input: `payouts.csv` + `.plan.json` -> `payouts.plan.json` in its folder. */
export function besideInput(input: string, ending: string, opts: { sandbox?: boolean } = {}): string {
  const full = resolve(input);
  const stem = basename(full, extname(full));
  return join(dirname(full), `${opts.sandbox ? `${stem}.sandbox` : stem}${ending}`);
}

/** The results file `run` writes beside a journal of its naming: `payouts.journal.jsonl` -> `payouts.results.csv`. */
export function resultsBesideJournal(journal: string): string {
  return journal.replace(/\.journal\.jsonl$/, '') + '.results.csv';
}

/** Where a run writes: the options, else the defaults; a dry run writes `<stem>.dryrun.csv`, never the real results. */
export interface PathOptions {
  input: string;
  out?: string;
  journal?: string;
  sandbox?: boolean;
  dryRun?: boolean;
}

export function runPaths(opts: PathOptions): RunPaths {
  const defaults = defaultPaths(opts.input, opts);
  const results = opts.out ?? (opts.dryRun ? besideInput(opts.input, '.dryrun.csv', opts) : defaults.results);
  return { results: resolve(results), journal: resolve(opts.journal ?? defaults.journal) };
}

/**
 * Checks, before the first request, that the results and journal files can be written where they
 * are going: not the input, not each other, not a directory, in a folder that exists and is writable.
 * Each message names the path and the option that changes it.
 */
export async function checkOutputPaths(opts: PathOptions): Promise<RunPaths> {
  const paths = runPaths(opts);
  const inputPath = resolve(opts.input);
  const inputStat = await stat(inputPath).catch(() => undefined);
  const defaults = runPaths({ input: opts.input, ...(opts.sandbox ? { sandbox: true } : {}), ...(opts.dryRun ? { dryRun: true } : {}) });
  const targets = [
    { path: paths.results, what: 'the results file', option: '--out', given: opts.out !== undefined, name: basename(defaults.results) },
    { path: paths.journal, what: 'the journal', option: '--journal', given: opts.journal !== undefined, name: basename(defaults.journal) },
  ];
  if (paths.results === paths.journal) {
    throw new UsageError('bad_path', `the results file and the journal are both ${paths.results}: give --out and --journal different files`, { path: paths.results });
  }
  if (paths.results === lockPathOf(paths.journal)) {
    const named = opts.out !== undefined ? `--out ${paths.results}` : `the results file ${paths.results}`;
    throw new UsageError('bad_path', `${named} is the journal's lock file: choose another file for --out`, { path: paths.results });
  }
  for (const t of targets) {
    const named = t.given ? `${t.option} ${t.path}` : `${t.what} ${t.path}`;
    const change = t.given ? `choose another file for ${t.option}` : `choose another place with ${t.option}`;
    const existing = await stat(t.path).catch(() => undefined);
    const sameAsInput = t.path === inputPath || (existing && inputStat && existing.ino === inputStat.ino && existing.dev === inputStat.dev);
    if (sameAsInput) {
      throw new UsageError('bad_path', `${named} is the input file: it would be overwritten; ${change}`, { path: t.path });
    }
    if (existing?.isDirectory()) {
      throw new UsageError('bad_path', `${named} is a directory: name a file in it, e.g. ${t.option} ${join(t.path, t.name)}`, { path: t.path });
    }
    // The results replace their file by a rename, which would replace a device such as /dev/null
    // (as root); a journal is read, appended and truncated, and opening a pipe would wait forever.
    if (existing && !existing.isFile()) {
      throw new UsageError('bad_path', `${named} is not a regular file (a device, pipe or socket): ${change}`, { path: t.path });
    }
    const folder = dirname(t.path);
    const folderStat = await stat(folder).catch(() => undefined);
    if (!folderStat?.isDirectory()) {
      throw new UsageError('bad_path', `the folder of ${named} does not exist: create it (mkdir -p ${folder}) or ${change}`, { path: t.path });
    }
    const writable = await access(folder, constants.W_OK | constants.X_OK).then(() => true, () => false);
    const fileWritable = !existing || (await access(t.path, constants.W_OK).then(() => true, () => false));
    if (!writable || !fileWritable) {
      throw new UsageError('bad_path', `${named} cannot be written (${writable ? 'the file' : 'its folder'} is read-only for this user): ${change}, or fix the permissions`, { path: t.path });
    }
  }
  return paths;
}

/** The service-rules cache must be writable too: a run never finds out half-way that a place it writes is not. */
export async function checkCacheFolder(folder: string): Promise<void> {
  const why = await whyNotWritable(folder);
  if (!why) return;
  throw new UsageError(
    'bad_path',
    `the service-rules cache folder ${folder} cannot be created or written: ${why}. Nothing was sent. Set MILKYPAY_CACHE_DIR (or --cache-dir) to a folder this user can write`,
    { path: folder, variable: 'MILKYPAY_CACHE_DIR' },
  );
}
