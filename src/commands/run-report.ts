/**
 * What `run` (and `plan`) leave behind for machines on every exit: the `--json` object on stdout
 * and the metrics file. A summary is written as it is; a refusal or a stop as the run's times and
 * counts with `error: {code, message}`.
 */
import { withDotEnv } from '../config.js';
import { failureOf } from '../command-failure.js';
import { checkMetricsTarget, metricsTarget, writeMetricsFile, writeMetricsFileSync, type MetricsTarget } from '../metrics/metrics-file.js';
import type { RunClock } from '../run/run-clock.js';
import type { RunSummary } from '../run/summary.js';
import type { Io } from '../wiring.js';

export interface ReportContext {
  io: Io;
  clock: RunClock;
  json: boolean;
  /** Absent for dry runs and plans: the metrics describe runs that pay. */
  metrics: MetricsTarget | undefined;
  input?: string;
  /** `reconcile`: the journal it was given. */
  journal?: string;
}

/** Where the metrics go for these options: none for a dry run or a plan. */
export function metricsOf(args: { metricsFile?: string; dryRun?: boolean }, io: Io): MetricsTarget | undefined {
  return args.dryRun ? undefined : metricsTarget(args.metricsFile, withDotEnv(io.env, io.cwd), io.cwd);
}

/** Before anything is sent: a metrics file the run could not write at its end is exit 2 now. */
export async function checkMetrics(ctx: ReportContext): Promise<void> {
  if (ctx.metrics) await checkMetricsTarget(ctx.metrics);
}

/** The finished run's metrics; a file that cannot be written makes the run's exit code 3, saying why. */
export async function withMetrics(summary: RunSummary, ctx: ReportContext): Promise<RunSummary> {
  ctx.clock.reported = true;
  if (!ctx.metrics) return summary;
  try {
    const durationMs = summary.durationMs ?? Date.now() - ctx.clock.startedMs;
    await writeMetricsFile(ctx.metrics, { exitCode: summary.exitCode, startedMs: ctx.clock.startedMs, durationMs, counts: summary.counts, totals: summary.totals, requests: ctx.clock.counts });
    return summary;
  } catch (error) {
    const failure = failureOf(error);
    return { ...summary, exitCode: 3, stopped: summary.stopped ?? { code: failure.code, message: failure.message } };
  }
}

/** The run ended by an error: the metrics say so (last success kept), and `--json` prints it as one object. */
export async function reportRefusal(error: unknown, ctx: ReportContext): Promise<void> {
  ctx.clock.reported = true;
  const failure = failureOf(error);
  if (ctx.metrics && failure.code !== 'metrics_file') {
    const figures = { exitCode: failure.exitCode, startedMs: ctx.clock.startedMs, durationMs: Date.now() - ctx.clock.startedMs, requests: ctx.clock.counts };
    await writeMetricsFile(ctx.metrics, figures).catch((e: unknown) => ctx.io.stderr.write(`milkypay-payouts: ${failureOf(e).message}\n`));
  }
  if (!ctx.json) return;
  const object = { ...ctx.clock.finish(), ...(ctx.input ? { input: ctx.input } : {}), ...(ctx.journal ? { journal: ctx.journal } : {}), exitCode: failure.exitCode, error: { code: failure.code, message: failure.message } };
  ctx.io.stdout.write(`${JSON.stringify(object)}\n`);
}

/**
 * The process is crashing (an error nothing caught, exit 3): the same report, synchronously, as
 * far as it can go. The run is incomplete; the metrics keep the last success.
 */
export function crashReport(error: unknown, ctx: ReportContext): void {
  if (ctx.clock.reported) return;
  ctx.clock.reported = true;
  const failure = { exitCode: 3 as const, code: 'unexpected', message: failureOf(error).message };
  try {
    if (ctx.metrics) writeMetricsFileSync(ctx.metrics, { exitCode: 3, startedMs: ctx.clock.startedMs, durationMs: Date.now() - ctx.clock.startedMs, requests: ctx.clock.counts });
  } finally {
    if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ ...ctx.clock.finish(), ...(ctx.input ? { input: ctx.input } : {}), exitCode: 3, error: { code: failure.code, message: failure.message } })}\n`);
  }
}

/** A `run` or `plan` refused before the command started (yargs' usage errors): the same report, from the raw arguments. */
export async function refusedBeforeStart(error: unknown, argv: readonly string[], io: Io, clock: RunClock): Promise<void> {
  const flag = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    if (at >= 0) return argv[at + 1];
    return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const dryRun = argv[0] !== 'run' || argv.includes('--dry-run'); // the metrics describe runs that pay
  const metricsFile = flag('--metrics-file');
  await reportRefusal(error, { io, clock, json: argv.includes('--json'), metrics: metricsOf({ dryRun, ...(metricsFile ? { metricsFile } : {}) }, io) });
}
