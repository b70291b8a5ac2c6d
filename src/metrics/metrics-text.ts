/**
 * The run's figures in the Prometheus text exposition format (version 0.0.4), for node_exporter's
 * textfile collector. Pure. Amounts are written as the exact decimal text the summary holds, never
 * through a float.
 */
import type { ExitCode } from '../errors.js';
import type { RequestCounts } from '../run/run-clock.js';

export interface RunFigures {
  exitCode: ExitCode;
  startedMs: number;
  durationMs: number;
  /** Rows by outcome; absent when the run was refused before it counted any. */
  counts?: Readonly<Record<string, number>>;
  /** Per currency, exact decimal strings. */
  totals?: ReadonlyArray<{ currency: string; requested: string; processed: string; fees: string }>;
  requests: RequestCounts;
  /** Seconds since the epoch (as text) of the last run that ended 0: this one, or the one the previous file names. */
  lastSuccess?: string;
}

const PREFIX = 'milkypay_payouts_';
const LAST_SUCCESS = `${PREFIX}last_success_timestamp_seconds`;

/** Seconds since the epoch from milliseconds, as exact decimal text (`1796597325.679`). */
export function secondsText(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const rest = ms - whole * 1000;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function gauge(name: string, help: string, samples: Array<[labels: Record<string, string>, value: string]>): string[] {
  if (samples.length === 0) return []; // a refused run counted no rows: no family rather than an empty one
  const lines = [`# HELP ${PREFIX}${name} ${help}`, `# TYPE ${PREFIX}${name} gauge`];
  for (const [labels, value] of samples) {
    const text = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`).join(',');
    lines.push(`${PREFIX}${name}${text ? `{${text}}` : ''} ${value}`);
  }
  return lines;
}

export function metricsText(f: RunFigures): string {
  const lines = [
    ...gauge('last_run_exit_code', 'Exit code of the last run: 0 done, 1 rows need a person, 2 refused (nothing sent), 3 incomplete (rerun).', [[{}, String(f.exitCode)]]),
    ...gauge('last_run_start_timestamp_seconds', 'When the last run started, seconds since the epoch.', [[{}, secondsText(f.startedMs)]]),
    ...gauge('last_run_duration_seconds', 'How long the last run took.', [[{}, secondsText(f.durationMs)]]),
    ...gauge('last_run_rows', 'Rows of the last run by outcome (the results CSV column outcome).', Object.entries(f.counts ?? {}).map(([outcome, n]) => [{ outcome }, String(n)])),
    ...gauge(
      'last_run_amount',
      'Amounts of the last run per currency, in its units: requested (valid rows), processed, fees.',
      (f.totals ?? []).flatMap((t) => [
        [{ currency: t.currency, kind: 'requested' }, t.requested],
        [{ currency: t.currency, kind: 'processed' }, t.processed],
        [{ currency: t.currency, kind: 'fees' }, t.fees],
      ]) as Array<[Record<string, string>, string]>,
    ),
    ...gauge('last_run_requests', 'HTTP requests of the last run: total, retries, and 429 (rate limited) answers.', [
      [{ kind: 'total' }, String(f.requests.total)],
      [{ kind: 'retries' }, String(f.requests.retries)],
      [{ kind: 'rate_limited' }, String(f.requests.rateLimited)],
    ]),
  ];
  if (f.lastSuccess !== undefined) {
    lines.push(`# HELP ${LAST_SUCCESS} When a run last ended with exit code 0, seconds since the epoch; kept from the previous file by a run that did not.`, `# TYPE ${LAST_SUCCESS} gauge`, `${LAST_SUCCESS} ${f.lastSuccess}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The last success a previous metrics file names (its text as written), if any. */
export function lastSuccessIn(previous: string | undefined): string | undefined {
  const m = previous ? new RegExp(`^${LAST_SUCCESS}\\s+([0-9]+(?:\\.[0-9]+)?)\\s*$`, 'm').exec(previous) : null;
  return m?.[1];
}
