import { createInterface } from 'node:readline/promises';
import type { ArgsOf, RUN_OPTIONS } from '../cli-options.js';
import { settingsFrom } from '../config.js';
import type { ExitCode } from '../errors.js';
import { payFileUnder } from '../library.js';
import { delimiterArgument } from '../csv/head.js';
import { RunControl } from '../run/run-control.js';
import type { LiveConfirmation, RunStart } from '../run/run-options.js';
import { programOf } from '../ui/command-name.js';
import { shellQuote as quote } from '../ui/shell-quote.js';
import { createProgress } from '../ui/progress.js';
import { formatStart, formatSummary, type CommandLine } from '../ui/summary-text.js';
import { makeLogger, terminalOf, type CommonArgs, type Io } from '../wiring.js';
import { RunClock } from '../run/run-clock.js';
import { atCrash } from '../crash-exit.js';
import { checkMetrics, crashReport, metricsOf, reportRefusal, withMetrics, type ReportContext } from './run-report.js';

/** `run`'s options as cli-options.ts declares them; `plan` fills in `writePlan`. */
export type RunArgs = CommonArgs & Partial<ArgsOf<typeof RUN_OPTIONS>> & { input: string; concurrency: number; writePlan?: string };

/** `run`: `payFile` with the terminal around it (signals, progress, the live confirmation, the summary). */
export async function runCommand(args: RunArgs, io: Io, clock = new RunClock()): Promise<ExitCode> {
  const logger = (await makeLogger(io, args.logLevel)).child({ runId: clock.runId });
  const report: ReportContext = { io, clock, json: Boolean(args.json), metrics: metricsOf(args, io), input: args.input };
  atCrash((error) => crashReport(error, report)); // a crash (exit 3) still leaves the report behind
  const progress = createProgress(io.stderr, settingsFrom(io.env).progressIntervalMs, terminalOf(io), logger);
  const control = new RunControl({
    ...(args.maxRetryWait !== undefined ? { maxRetryWaitMs: args.maxRetryWait * 1000 } : {}),
    onWait: (until) => progress.waiting?.(until),
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.level = 'silent'; // nothing after the forced-stop line but the exit
      void control.force();
      return;
    }
    signalled = true;
    const again = signal === 'SIGINT' ? 'press Ctrl-C again' : `send ${signal} again`;
    const n = control.requestsOnTheWire();
    const what = n === 0 ? 'no payout in flight' : `finishing ${n} ${n === 1 ? 'payout' : 'payouts'} in flight`;
    (terminalOf(io) ?? io.stderr).write(`stopping: ${what}; ${again} to force\n`);
    control.stop('signal', `stopped by ${signal}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await checkMetrics(report);
    const paying = payFileUnder(control, args.input, {
      ...args,
      delimiter: args.delimiter as ',' | ';' | '\t' | 'tab' | undefined,
      env: io.env,
      cwd: io.cwd,
      ...(io.delays ? { delays: io.delays } : {}),
      logger,
      // On a terminal at the default level the report says it all: its figures are not logged before it as well.
      ...(terminalOf(io) && (args.logLevel ?? 'info') === 'info' ? { reportLogger: logger.child({}, { level: 'warn' }) } : {}),
      progress,
      // The report goes to stdout (logs and progress stay on stderr); --json replaces it.
      ...(args.json ? {} : { onStart: (start: RunStart) => io.stdout.write(formatStart(start, args.input)) }),
      ...(args.live && !args.yes && io.stdin?.isTTY && io.stderr.isTTY ? { confirm: (what: LiveConfirmation) => confirmLive(what, io, control.signal) } : {}),
    }, clock);
    const summary = await withMetrics(await Promise.race([paying, control.forced]), report);
    progress.end();
    io.stdout.write(args.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary, commandLine(args, io)));
    return summary.exitCode;
  } catch (error) {
    progress.end();
    await reportRefusal(error, report);
    throw error; // cli.ts says it on stderr and exits with its code
  } finally {
    progress.end(); // the progress line ends with a newline whatever happened
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    atCrash(undefined);
    logger.flush?.();
  }
}

/** The commands the report proposes, written as the user ran this one. */
function commandLine(args: RunArgs, io: Io): CommandLine {
  const program = programOf(io);
  const flags = [
    args.out ? `--out ${quote(args.out)}` : '',
    args.journal ? `--journal ${quote(args.journal)}` : '',
    args.sandbox ? '--sandbox' : '',
    args.live ? '--live' : '',
    args.process === false ? '--no-process' : '',
    args.delimiter ? `--delimiter ${delimiterArgument(args.delimiter === 'tab' ? '\t' : args.delimiter)}` : '',
    ...(args.ignoreColumn ?? []).map((c) => `--ignore-column ${quote(c)}`),
    args.concurrency !== 8 ? `--concurrency ${args.concurrency}` : '',
    args.wait !== undefined ? `--wait ${args.wait}` : '',
    args.maxRate !== undefined ? `--max-rate ${args.maxRate}` : '',
    // The gates go with the command: a proposed rerun never drops a safety check.
    ...(args.maxTotal ?? []).map((t) => `--max-total ${quote(t)}`),
    args.expectCount !== undefined ? `--expect-count ${args.expectCount}` : '',
    ...(args.expectTotal ?? []).map((t) => `--expect-total ${quote(t)}`),
    // So does the repeat-payee guard, as it was set.
    args.ledger ? `--ledger ${quote(args.ledger)}` : '',
    args.repeatWindow !== undefined ? `--repeat-window ${quote(args.repeatWindow)}` : '',
    args.repeatKey !== undefined ? `--repeat-key ${quote(args.repeatKey)}` : '',
    args.allowRepeat ? '--allow-repeat' : '',
    ...(args.allowRepeatOf ?? []).map((r) => `--allow-repeat-of ${quote(r)}`),
  ].filter(Boolean);
  return { input: args.input, program, rerun: [program, 'run', quote(args.input), ...flags].join(' '), ...(args.journal ? { journal: args.journal } : {}), ...(args.sandbox ? { sandbox: true } : {}) };
}

/** On a terminal before a live run sends anything: where, as whom, how much; "yes" to go on. */
async function confirmLive(what: LiveConfirmation, io: Io, stopped: AbortSignal): Promise<boolean> {
  const { plan } = what;
  const payouts = (n: number): string => (n === 1 ? '1 payout' : `${n} payouts`);
  const lines = [
    '',
    `LIVE: this run pays real money through ${what.host}, account ${what.account.keyId}.`,
    ...plan.totals.map((t) => `  ${t.currency}: ${payouts(t.rows)}, ${t.amount} ${t.currency}; ${what.fees[t.currency] ?? 'fees not known before paying'}`),
    `  ${payouts(plan.send)} will be sent; ${plan.settled} ${plan.settled === 1 ? 'row' : 'rows'} already settled will not; ${what.invalid} invalid ${what.invalid === 1 ? 'row' : 'rows'} skipped.`,
    ...(what.planCreatedAt ? [`  This is the file reviewed in the plan made ${what.planCreatedAt}.`] : []),
    '',
  ];
  io.stderr.write(lines.join('\n'));
  const rl = createInterface({ input: io.stdin!, output: io.stderr });
  const cancel = new AbortController();
  // Ctrl-C or end of input at the prompt is a "no", not a crash.
  rl.once('SIGINT', () => cancel.abort());
  rl.once('close', () => cancel.abort());
  stopped.addEventListener('abort', () => cancel.abort(), { once: true }); // a signal to the process
  try {
    const answer = await rl.question(`Send ${payouts(plan.send)}? Type "yes" to pay: `, { signal: cancel.signal });
    return answer.trim().toLowerCase() === 'yes';
  } catch {
    io.stderr.write('\n');
    return false;
  } finally {
    rl.close();
  }
}
