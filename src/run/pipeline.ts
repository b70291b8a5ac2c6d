import { stat } from 'node:fs/promises';
import { openInput } from '../csv/input.js';
import { createResultsWriter } from '../csv/results.js';
import { AbortedError, UsageError } from '../errors.js';
import { newSecret } from '../journal/binding.js';
import { LedgerError } from '../ledger/ledger-errors.js';
import { keepPrivate } from '../private-modes.js';
import { assertJournalBinding } from '../journal/first-line.js';
import { acquireLock } from '../journal/lock.js';
import { openJournal, type Journal, type JournalEntry } from '../journal/journal.js';
import { replayJournal } from '../journal/replay.js';
import { fingerprinter } from '../payout/fingerprint.js';
import { declaresLive } from './account.js';
import { RunControl } from '../payout/run-control.js';
import { feesOf } from './fee-rules.js';
import { firstPass } from './first-pass.js';
import { assertUnchangedBeforeSending, inputChangedMessage, takeSnapshot, type InputSnapshot } from './input-snapshot.js';
import { JournaledRows } from './journaled-rows.js';
import { RerunResults } from './rerun-results.js';
import { checkpointAfterRun, checkpointKey, rerunFromCheckpoint } from './checkpoint-rerun.js';
import { checkGates } from './gates.js';
import { checkCacheFolder, checkOutputPaths, type RunPaths } from './paths.js';
import type { FirstPassFacts } from './plan-facts.js';
import { assertMatchesPlan, writePlanOf } from './plan-steps.js';
import { defaultRepeatSettings, ledgerIdentity, RepeatScreen } from './repeat-screen.js';
import type { RunEnv, RunOptions } from './run-options.js';
import { isEarlierSandboxJournal, setAsideEarlierSandboxJournal } from './sandbox-journal.js';
import { rowPace, secondPass } from './second-pass.js';
import { finishSummary, SummaryBuilder, type HeldSample, type RunSummary } from './summary.js';

/**
 * rows -> validate -> pay under a bounded queue -> results, journaled.
 * Order: key prefix, paths, input (no request) -> the account and its mode (asked of the API) ->
 * an unchanged finished batch answered from its checkpoint -> the repeat-payee ledger -> journal ->
 * first pass and gates (a rerun with nothing to send ends here, its results written) ->
 * confirmation -> paying. A dry run takes the same steps up to the confirmation, but for the
 * checkpoint, reading the journal without writing or locking it.
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

async function runOnSnapshot(opts: RunOptions, env: RunEnv, paths: RunPaths, snapshot: InputSnapshot): Promise<RunSummary> {
  const log = env.logger;
  const files = [{ path: paths.journal, what: 'the journal' }, { path: `${paths.journal}.checkpoint`, what: "the journal's checkpoint" }, { path: paths.results, what: 'the results file' }];
  await keepPrivate(files, (m) => log.warn(m));
  const reportLog = env.reportLogger ?? log; // the start and finish lines, whose figures are the report's
  const file = await openInput(opts.input, { readFrom: snapshot.copy, ...(opts.delimiter ? { delimiter: opts.delimiter } : {}), ...(opts.ignoreColumns ? { ignoreColumns: opts.ignoreColumns } : {}) });
  if (file.ignoredColumns.length) {
    log.warn({ columns: file.ignoredColumns }, `ignoring columns the tool does not know: ${file.ignoredColumns.join(', ')}`);
  }
  // The account binding ({ origin, keyId, mode }): what the journal belongs to.
  const account = await env.account();
  if (account.mode === 'live' && !opts.live) throw liveRefused('these are live keys (the API reports test_mode: false)');
  const host = new URL(env.target.apiUrl).host;
  const summary = new SummaryBuilder();
  log.info({ input: opts.input }, `validating ${opts.input}`);
  const start = (rows: number): void => env.onStart?.({ account, host, input: opts.input, rows, dryRun: opts.dryRun, plan: summary.plan() });
  // A finished batch, unchanged since: answered from the journal's checkpoint (under its lock), with
  // no request, before anything a full run needs is loaded (rules, the repeat-payee ledger).
  // A repeated --sandbox rehearsal: the earlier sandbox's journal is set aside (a dry run reads past it).
  const earlierSandbox = opts.sandbox && (opts.dryRun ? await isEarlierSandboxJournal(paths.journal, account) : Boolean(await setAsideEarlierSandboxJournal(paths.journal, account, log)));
  const repeatSettings = opts.repeat ?? defaultRepeatSettings();
  const ledgerNow = (): Promise<string> => ledgerIdentity(repeatSettings, account);
  const key = checkpointKey(opts, paths, account, snapshot, await ledgerNow());
  if (!opts.dryRun && !opts.applyPlan) {
    const lock = await acquireLock(paths.journal, { command: 'run', onWarning: (m) => log.warn(m) });
    const rerun = await rerunFromCheckpoint(paths.journal, key, opts, env).finally(() => lock.release());
    if (rerun) return rerun;
  }
  const sha256 = snapshot.sha256;
  const repeat = await RepeatScreen.open(repeatSettings, account, opts.input, log);
  const holds: HeldSample[] = [];
  const facts = (pass: { validRows: number; rows: number }): FirstPassFacts => ({ input: opts.input, sha256, account, ...pass, totals: summary.totals(), holds, rules: env.rules });

  const adopt = Boolean(opts.adoptJournal);
  if (opts.dryRun) {
    // The journal as the real run would take it: refused if bound elsewhere; if adopted, none of its rows is settled.
    const bound = !earlierSandbox && (await assertJournalBinding(paths.journal, account, { adopt })).kind === 'bound';
    const replay = bound ? await replayJournal(paths.journal) : undefined;
    const journaled = new JournaledRows(replay?.entries ?? NO_ENTRIES, fingerprinter(replay?.header?.secret ?? newSecret()), opts);
    const writer = await createResultsWriter(paths.results);
    try {
      const { validRows, rows } = await firstPass(file, env, summary, { journaled, repeat, holds, preview: writer });
      repeat.assertAllowancesUsed();
      checkGates(opts.gates, summary.gateCounts(holds.length));
      if (opts.applyPlan) await assertMatchesPlan(opts.applyPlan, facts({ validRows, rows }));
      if (opts.writePlan) await writePlanOf(opts.writePlan, facts({ validRows, rows }));
      start(rows);
    } catch (error) {
      await writer.abort();
      throw error;
    } finally {
      repeat.close();
    }
    await writer.close();
    return finishSummary(summary, { account, input: opts.input, results: paths.results, journal: paths.journal, dryRun: true, ignoredColumns: file.ignoredColumns, log: reportLog, ...(opts.writePlan ? { planFile: opts.writePlan } : {}) });
  }

  const control = env.control ?? new RunControl();
  const lock = await acquireLock(paths.journal, { command: 'run', onWarning: (m) => log.warn(m) });
  const forgetLock = control.atForcedStop(() => lock.release());
  try {
    const open = (): Promise<Journal> => openJournal(paths.journal, { binding: account, adopt, durable: opts.durable ?? true, onWarning: (m) => log.warn(m) });
    // An existing journal is opened (and checked: one bound to another API, account or mode is refused,
    // exit 2) before the first pass, which counts the rows it settled; a new one is created only once
    // the run is about to send, so a refused run leaves none.
    let journal = (await exists(paths.journal)) ? await open() : undefined;
    const journaled = journaledRowsOf(journal, opts);
    let forgetEarly = (): void => undefined;
    try {
      // A rerun: the first pass writes the results while no row needs a request. If none does, that is the run.
      const early = journaled.any ? await createResultsWriter(paths.results) : undefined;
      const rerun = early && new RerunResults(early, { summary, repeat, log, pace: rowPace(opts) });
      if (early) forgetEarly = control.atForcedStop(() => early.abort());
      let pass: { validRows: number; rows: number };
      try {
        pass = await firstPass(file, env, summary, { journaled, repeat, holds, ...(rerun ? { rerun } : {}), control, repair: true });
        repeat.assertAllowancesUsed();
        checkGates(opts.gates, summary.gateCounts(holds.length));
        if (opts.applyPlan) await assertMatchesPlan(opts.applyPlan, facts(pass));
      } catch (error) {
        await rerun?.giveUp();
        throw error;
      }
      const { validRows, rows } = pass;
      start(rows);
      const plan = summary.plan();
      forgetEarly();
      if (rerun?.writing) {
        // Every row settled, held or invalid: the first pass wrote the results, nothing is sent.
        reportLog.info({ input: opts.input, rows, valid: validRows, send: 0, settled: plan.settled, concurrency: opts.concurrency, api: host, mode: account.mode, journal: paths.journal }, 'run started');
        await rerun.close(rows, env.progress);
      } else {
        const reviewed = opts.applyPlan ? { planCreatedAt: opts.applyPlan.file.createdAt } : {};
        const confirm = env.confirm;
        if (plan.send > 0 && confirm) {
          const what = { account, host, plan, invalid: summary.invalidRows, fees: await feesOf(env.rules, summary.sendServices), ...reviewed };
          if (!(await confirmUnlessStopped(() => confirm(what), control))) throw new UsageError('not_confirmed', 'not confirmed: nothing was sent');
        }
        await assertUnchangedBeforeSending(snapshot);
        reportLog.info({ input: opts.input, rows, valid: validRows, send: plan.send, settled: plan.settled, concurrency: opts.concurrency, api: host, mode: account.mode, journal: paths.journal }, 'run started');
        journal ??= await open();
        env.progress?.begin(rows);
        const writer = await createResultsWriter(paths.results);
        const forgetWriter = control.atForcedStop(() => writer.abort());
        try {
          await secondPass(file, opts, env, { journal, journaled: journaledRowsOf(journal, opts), writer, control, summary, repeat });
        } catch (error) {
          await writer.abort();
          if (error instanceof LedgerError) throw error; // it names the ledger, the repair and whether anything was sent
          throw new AbortedError(
            'stopped_part_way',
            `the run stopped part-way: ${(error as Error).message}. What was sent is journaled: fix the cause and rerun the same command`,
          );
        }
        await writer.close();
        forgetWriter();
      }
    } finally {
      await repeat.flush();
      await journal?.close();
    }
    const out = finishSummary(summary, { account, input: opts.input, results: paths.results, journal: paths.journal, dryRun: false, ignoredColumns: file.ignoredColumns, log: reportLog, control, ...(opts.applyPlan ? { planFile: opts.applyPlan.path } : {}), ...(opts.waitSeconds !== undefined ? { waitSeconds: opts.waitSeconds } : {}) });
    await checkpointAfterRun(paths.journal, checkpointKey(opts, paths, account, snapshot, await ledgerNow()), opts, out, summary);
    return out;
  } finally {
    forgetLock();
    await lock.release();
  }
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
