import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { writeAtomic, writeAtomicSync } from '../write-atomic.js';
import { settingsFrom } from '../config.js';
import { AbortedError, UsageError } from '../errors.js';
import { lastSuccessIn, metricsText, secondsText, type RunFigures } from './metrics-text.js';

/** Where the metrics go, and which setting named it (for the messages). */
export interface MetricsTarget {
  path: string;
  from: '--metrics-file' | 'MILKYPAY_METRICS_FILE';
}

/** `--metrics-file`, else `MILKYPAY_METRICS_FILE` (environment or `.env`), resolved against the working folder. */
export function metricsTarget(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): MetricsTarget | undefined {
  if (flag) return { path: resolve(cwd, flag), from: '--metrics-file' };
  const fromEnv = settingsFrom(env).metricsFile;
  return fromEnv ? { path: resolve(cwd, fromEnv), from: 'MILKYPAY_METRICS_FILE' } : undefined;
}

/**
 * Before anything is sent: the folder exists, the file (if there) is a file this user can read,
 * so the run can end by writing it. Exit 2 otherwise, naming the file and the setting.
 */
export async function checkMetricsTarget(t: MetricsTarget): Promise<void> {
  const refuse = (why: string): UsageError => new UsageError('metrics_file', `the metrics file ${t.path} (${t.from}) ${why}: nothing was sent`, { path: t.path, variable: t.from });
  const folder = await stat(dirname(t.path)).catch(() => undefined);
  if (!folder?.isDirectory()) throw refuse(`cannot be written: its folder ${dirname(t.path)} does not exist; create it, or name another file`);
  const file = await stat(t.path).catch(() => undefined);
  if (file && !file.isFile()) throw refuse('is not a file; name a file');
  await previousText(t).catch((error: unknown) => {
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): fix its permissions, or name another file`);
  });
}

/**
 * Writes the run's figures (temporary file in the same folder, renamed), keeping the last success
 * of the previous file when this run did not end 0. A failure is exit 3 naming the file: the run
 * itself is journaled, and a rerun writes the file again.
 */
export async function writeMetricsFile(t: MetricsTarget, figures: Omit<RunFigures, 'lastSuccess'>): Promise<void> {
  try {
    const lastSuccess = figures.exitCode === 0 ? secondsText(figures.startedMs + figures.durationMs) : lastSuccessIn(await previousText(t));
    await writeAtomic(t.path, metricsText({ ...figures, ...(lastSuccess !== undefined ? { lastSuccess } : {}) }), { durable: true, mode: 0o644 });
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new AbortedError('metrics_unwritten', `could not write the metrics file ${t.path} (${t.from}): ${why}; make its folder writable (or name another file), then rerun the same command: the payouts are journaled`, { path: t.path, variable: t.from });
  }
}

/** `writeMetricsFile` for a crash's last words, synchronously; throws what it cannot do. */
export function writeMetricsFileSync(t: MetricsTarget, figures: Omit<RunFigures, 'lastSuccess'>): void {
  let previous: string | undefined;
  try {
    previous = readFileSync(t.path, 'utf8');
  } catch {
    previous = undefined;
  }
  const lastSuccess = lastSuccessIn(previous);
  writeAtomicSync(t.path, metricsText({ ...figures, ...(lastSuccess !== undefined ? { lastSuccess } : {}) }), { durable: true, mode: 0o644 });
}

async function previousText(t: MetricsTarget): Promise<string | undefined> {
  try {
    return await readFile(t.path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
