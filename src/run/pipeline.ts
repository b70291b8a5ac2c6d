import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openInput, type InputFile } from '../csv/input.js';
import { createResultsWriter } from '../csv/results.js';
import { AbortedError, UsageError } from '../errors.js';
import { newSecret } from '../journal/binding.js';
import { checkpointPath } from '../journal/checkpoint.js';
import { LedgerError } from '../ledger/ledger-errors.js';
import type { Logger } from '../log.js';
import { keepPrivate } from '../private-modes.js';
import { assertJournalBinding } from '../journal/first-line.js';
import { acquireLock } from '../journal/lock.js';
import { openJournal, type Journal, type JournalEntry } from '../journal/journal.js';
import { replayJournal } from '../journal/replay.js';
import { fingerprinter } from '../payout/fingerprint.js';
import { createValidator } from '../rules/index.js';
import { declaresLive, type Account } from '../guards/account.js';
import { RunControl } from './run-control.js';
import { checkRows, type CheckIo } from './check-pass.js';
import { feesOf } from './fee-rules.js';
import { assertUnchangedBeforeSending, inputChangedMessage, takeSnapshot, type InputSnapshot } from '../guards/input-snapshot.js';
import { JournaledRows } from './journaled-rows.js';
import { checkpointAfterRun, checkpointKey, rerunFromCheckpoint } from './checkpoint-rerun.js';
import { checkGates } from '../guards/gates.js';
import { payRows, rowPace } from './pay-pass.js';
import { PlanSpool } from './plan-spool.js';
import { checkOutputPaths, checkCacheFolder, type RunPaths } from './paths.js';
import type { CheckFacts } from '../plan/plan-facts.js';
import { assertMatchesPlan, writePlanOf } from '../plan/plan-steps.js';
import { defaultRepeatSettings, ledgerIdentity, RepeatScreen } from '../guards/repeat-screen.js';
import type { RunEnv, RunOptions } from './run-options.js';
import { isEarlierSandboxJournal, setAsideEarlierSandboxJournal } from './sandbox-journal.js';
import { finishSummary, SummaryBuilder, type HeldSample, type RunSummary } from './summary.js';

/**
 * rows -> check every row -> pay under a bounded queue -> results, journaled.
 * Order: key prefix, paths, input (no request) -> the account and its mode (asked of the API) ->
 * an unchanged finished batch answered from its checkpoint -> the repeat-payee ledger -> journal ->
 * the check and the gates -> confirmation -> paying. Both passes read the one private copy of the
 * input through one batch loop (row-batches.ts) and plan each row alike (payout/plan-row.ts). A dry
 * run takes the same steps up to the confirmation, but for the checkpoint, reading the journal
 * without writing or locking it.
 */
export async function runPayouts(opts: RunOptions, env: RunEnv): Promise<RunSummary> {
  if (!opts.live && declaresLive(env.target)) {
    throw liveRefused('MILKYPAY_PUBLIC_KEY is a live key (pk_live_…)');
  }
  const paths = await checkOutputPaths(opts);
  if (env.cacheDir) await checkCacheFolder(env.cacheDir);
  // One read of the file: every pass reads this copy (SPEC §3, the bytes paid are the bytes checked).
  const snapshot = await takeSnapshot(opts.input);
  env.logger.debug({ input: opts.input, copy: snapshot.copy, sha256: snapshot.sha256, bytes: snapshot.size }, 'checking and paying a private copy of the input');
  if (snapshot.staleRemoved > 0) env.logger.info({ folders: snapshot.staleRemoved }, `removed ${snapshot.staleRemoved} private input copies left in ${tmpdir()} by runs that were killed`);
  const forgetSnapshot = env.control?.atForcedStop(() => snapshot.remove());
  try {
    const out = await runOnSnapshot(opts, env, paths, snapshot);
    if (!(await snapshot.changed())) return out;
    const inputChanged = inputChangedMessage(snapshot, out.dryRun);
    env.logger.warn({ input: opts.input }, inputChanged);
    // A person compares the file with what was paid: never a clean exit.
    return { ...out, inputChanged, exitCode: out.exitCode === 0 ? 1 : out.exitCode };
  } finally {
    forgetSnapshot?.();
    await snapshot.remove();
  }
}

/** What a run's steps share, once the input is open and the account known. */
interface RunContext {
  opts: RunOptions;
  env: RunEnv;
  paths: RunPaths;
  snapshot: InputSnapshot;
  file: InputFile;
  account: Account;
  summary: SummaryBuilder;
  holds: HeldSample[];
  repeat: RepeatScreen;
  reportLog: Logger;
  earlierSandbox: boolean;
}

async function runOnSnapshot(opts: RunOptions, env: RunEnv, paths: RunPaths, snapshot: InputSnapshot): Promise<RunSummary> {
  const log = env.logger;
  const files = [{ path: paths.journal, what: 'the journal' }, { path: checkpointPath(paths.journal), what: "the journal's checkpoint" }, { path: paths.results, what: 'the results file' }];
  await keepPrivate(files, (m) => log.warn(m));
  const file = await openInput(opts.input, { readFrom: snapshot.copy, ...(opts.delimiter ? { delimiter: opts.delimiter } : {}), ...(opts.ignoreColumns ? { ignoreColumns: opts.ignoreColumns } : {}) });
  if (file.ignoredColumns.length) {
    log.warn({ columns: file.ignoredColumns }, `ignoring columns the tool does not know: ${file.ignoredColumns.join(', ')}`);
  }
  // The account binding ({ origin, keyId, mode }): what the journal belongs to.
  const account = await env.account();
  if (account.mode === 'live' && !opts.live) throw liveRefused('these are live keys (the API reports test_mode: false)');
  log.info({ input: opts.input }, `validating ${opts.input}`);
  // A repeated --sandbox rehearsal: the earlier sandbox's journal is set aside (a dry run reads past it).
  const earlierSandbox = opts.sandbox && (opts.dryRun ? await isEarlierSandboxJournal(paths.journal, account) : Boolean(await setAsideEarlierSandboxJournal(paths.journal, account, log)));
  const repeatSettings = opts.repeat ?? defaultRepeatSettings();
  const ledgerNow = (): Promise<string> => ledgerIdentity(repeatSettings, account);
  const key = checkpointKey(opts, paths, account, snapshot, await ledgerNow());
  // A finished batch, unchanged since: answered from the journal's checkpoint (under its lock), with
  // no request, before anything a full run needs is loaded (rules, the repeat-payee ledger).
  if (!opts.dryRun && !opts.applyPlan) {
    const lock = await acquireLock(paths.journal, { command: 'run', onWarning: (m) => log.warn(m) });
    const rerun = await rerunFromCheckpoint(key, opts, { ...env, paths, ignoredColumns: file.ignoredColumns }).finally(() => lock.release());
    if (rerun) return rerun;
  }
  const repeat = await RepeatScreen.open(repeatSettings, account, opts.input, log);
  const ctx: RunContext = { opts, env, paths, snapshot, file, account, summary: new SummaryBuilder(), holds: [], repeat, reportLog: env.reportLogger ?? log, earlierSandbox: Boolean(earlierSandbox) };
  if (opts.dryRun) return dryRun(ctx);
  const out = await payRun(ctx);
  await checkpointAfterRun(paths.journal, checkpointKey(opts, paths, account, snapshot, await ledgerNow()), opts, out, ctx.summary);
  return out;
}

/** The check every run makes before sending (totals, gates, the plan), with the journal given. */
async function check(ctx: RunContext, journaled: JournaledRows, io: Pick<CheckIo, 'preview' | 'control' | 'repair' | 'spool'>): Promise<{ validRows: number; rows: number }> {
  const { opts, summary, holds, repeat } = ctx;
  const validator = createValidator(ctx.env.rules, journaled.any ? { settled: (payout) => journaled.settledAsIs(payout) } : {});
  const pass = await checkRows({ file: ctx.file, validator, journaled, pace: rowPace(opts) }, { journaled, repeat, summary, holds, ...io });
  repeat.assertAllowancesUsed();
  checkGates(opts.gates, summary.gateCounts(holds.length));
  if (opts.applyPlan) await assertMatchesPlan(opts.applyPlan, factsOf(ctx, pass));
  return pass;
}

function factsOf(ctx: RunContext, pass: { validRows: number; rows: number }): CheckFacts {
  return { input: ctx.opts.input, sha256: ctx.snapshot.sha256, account: ctx.account, ...pass, totals: ctx.summary.totals(), holds: ctx.holds, rules: ctx.env.rules };
}

/** Told once every row is checked and the gates passed, before anything is sent. */
function started(ctx: RunContext, rows: number): void {
  const { env, opts } = ctx;
  env.onStart?.({ account: ctx.account, host: new URL(env.target.apiUrl).host, input: opts.input, rows, dryRun: opts.dryRun, plan: ctx.summary.plan() });
}

function finished(ctx: RunContext, dryRun: boolean, control?: RunControl): RunSummary {
  const { opts, paths } = ctx;
  const planFile = dryRun ? opts.writePlan : opts.applyPlan?.path;
  return finishSummary(ctx.summary, {
    account: ctx.account, input: opts.input, results: paths.results, journal: paths.journal, dryRun, ignoredColumns: ctx.file.ignoredColumns, log: ctx.reportLog,
    ...(control ? { control } : {}), ...(planFile ? { planFile } : {}), ...(!dryRun && opts.waitSeconds !== undefined ? { waitSeconds: opts.waitSeconds } : {}),
  });
}

/** The dry run: the journal as the real run would take it (refused if bound elsewhere; if adopted, none of its rows is settled), read without writing or locking it. */
async function dryRun(ctx: RunContext): Promise<RunSummary> {
  const { opts, paths, repeat } = ctx;
  const bound = !ctx.earlierSandbox && (await assertJournalBinding(paths.journal, ctx.account, { adopt: Boolean(opts.adoptJournal) })).kind === 'bound';
  const replay = bound ? await replayJournal(paths.journal) : undefined;
  const journaled = new JournaledRows(replay?.entries ?? NO_ENTRIES, fingerprinter(replay?.header?.secret ?? newSecret()), opts);
  const writer = await createResultsWriter(paths.results);
  try {
    const pass = await check(ctx, journaled, { preview: writer });
    if (opts.writePlan) await writePlanOf(opts.writePlan, factsOf(ctx, pass));
    started(ctx, pass.rows);
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    repeat.close();
  }
  await writer.close();
  return finished(ctx, true);
}

/** The real run: under the journal's lock, checked, confirmed, then paid. */
async function payRun(ctx: RunContext): Promise<RunSummary> {
  const { opts, env, paths } = ctx;
  const control = env.control ?? new RunControl();
  const lock = await acquireLock(paths.journal, { command: 'run', onWarning: (m) => env.logger.warn(m) });
  const forgetLock = control.atForcedStop(() => lock.release());
  const open = (): Promise<Journal> => openJournal(paths.journal, { binding: ctx.account, adopt: Boolean(opts.adoptJournal), durable: opts.durable ?? true, onWarning: (m) => env.logger.warn(m) });
  // An existing journal is opened (and checked: one bound to another API, account or mode is refused,
  // exit 2) before the check, which counts the rows it settled; a new one is created only once the
  // run is about to send, so a refused run leaves none.
  let journal: Journal | undefined;
  try {
    journal = (await exists(paths.journal)) ? await open() : undefined;
    const spool = await PlanSpool.create(join(dirname(ctx.snapshot.copy), 'plans.jsonl'));
    const pass = await check(ctx, journaledRowsOf(journal, opts), { control, repair: true, spool }).finally(() => spool.close());
    started(ctx, pass.rows);
    await confirmed(ctx, control);
    await assertUnchangedBeforeSending(ctx.snapshot);
    const plan = ctx.summary.plan();
    ctx.reportLog.info({ input: opts.input, rows: pass.rows, valid: pass.validRows, send: plan.send, settled: plan.settled, concurrency: opts.concurrency, api: new URL(env.target.apiUrl).host, mode: ctx.account.mode, journal: paths.journal }, 'run started');
    journal ??= await open();
    env.progress?.begin(pass.rows);
    await payAll(ctx, spool.path, journal, control);
  } finally {
    try {
      await ctx.repeat.flush();
    } finally {
      await journal?.close();
      forgetLock();
      await lock.release();
    }
  }
  return finished(ctx, false, control);
}

/** The live prompt, when the run has payouts to send: "no" (or a signal at the prompt) sends nothing. */
async function confirmed(ctx: RunContext, control: RunControl): Promise<void> {
  const { env, opts, summary } = ctx;
  const plan = summary.plan();
  const confirm = env.confirm;
  if (plan.send === 0 || !confirm) return;
  const reviewed = opts.applyPlan ? { planCreatedAt: opts.applyPlan.file.createdAt } : {};
  const what = { account: ctx.account, host: new URL(env.target.apiUrl).host, plan, invalid: summary.invalidRows, fees: await feesOf(env.rules, summary.sendServices), ...reviewed };
  if (!(await confirmUnlessStopped(() => confirm(what), control))) throw new UsageError('not_confirmed', 'not confirmed: nothing was sent');
}

/** The paying pass, its results written whole or not at all. */
async function payAll(ctx: RunContext, spool: string, journal: Journal, control: RunControl): Promise<void> {
  const { opts, env, paths } = ctx;
  const writer = await createResultsWriter(paths.results);
  const forgetWriter = control.atForcedStop(() => writer.abort());
  try {
    await payRows(spool, opts, env, { journal, writer, control, summary: ctx.summary, repeat: ctx.repeat });
  } catch (error) {
    await writer.abort();
    if (error instanceof LedgerError) throw error; // it names the ledger, the repair and whether anything was sent
    throw new AbortedError('stopped_part_way', `the run stopped part-way: ${(error as Error).message}. What was sent is journaled: fix the cause and rerun the same command`);
  } finally {
    forgetWriter();
  }
  await writer.close();
}

const NO_ENTRIES: ReadonlyMap<string, JournalEntry> = new Map();

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The live prompt, answered "no" by a signal (Ctrl-C at the prompt): nothing was sent. */
async function confirmUnlessStopped(confirm: () => Promise<boolean>, control: RunControl): Promise<boolean> {
  if (control.stopping) return false;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<boolean>((resolve) => control.signal.addEventListener('abort', (onAbort = () => resolve(false)), { once: true }));
  try {
    return await Promise.race([confirm(), stopped]);
  } finally {
    if (onAbort) control.signal.removeEventListener('abort', onAbort);
  }
}

function liveRefused(why: string): UsageError {
  return new UsageError('live_keys', `${why}: nothing was sent. Add --live to pay for real (rehearse first with --dry-run --live)`);
}

/** What earlier runs journaled (nothing before a journal exists), keyed by the journal's secret. */
function journaledRowsOf(journal: Journal | undefined, opts: RunOptions): JournaledRows {
  if (!journal) return new JournaledRows(NO_ENTRIES, fingerprinter(newSecret()), opts); // no entry: never fingerprints
  return new JournaledRows(journal.entries, fingerprinter(journal.header.secret), opts);
}
