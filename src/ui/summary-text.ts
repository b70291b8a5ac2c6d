import { basename, dirname, extname, join } from 'node:path';
import { defaultPaths } from '../run/paths.js';
import type { RunStart } from '../run/run-options.js';
import { shellQuote } from './shell-quote.js';
import type { RunPlan, RunSummary, SendTotals } from '../run/summary.js';

/** How the report names commands to type next: as the user ran this one. */
export interface CommandLine {
  /** The input file as the user named it (not yet quoted for a shell). */
  input: string;
  /** `milkypay-payouts`, `npx milkypay-payouts`, `node dist/cli.js`… */
  program: string;
  /** The run command again, with the options that choose its files and account, quoted for a shell. */
  rerun: string;
  /** --journal as given (kept in the commands proposed), when not the default; not yet quoted. */
  journal?: string;
  /** A --sandbox run: its journal names a sandbox that ended with the run, so it cannot be resumed. */
  sandbox?: boolean;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function totalsText(totals: SendTotals[]): string {
  return totals.map((t) => `${t.currency} ${t.amount}`).join(', ');
}

/** The one line printed before anything is sent: mode, API host, account, file, rows. */
export function formatStart(s: RunStart, input = s.input): string {
  const mode = s.account.mode === 'live' ? 'LIVE' : 'TEST';
  const what = s.dryRun ? 'dry run' : 'run';
  return `${mode} ${what} · ${s.host} · account ${s.account.keyId} · ${input} · ${plural(s.rows, 'row')}${planText(s.plan, s.dryRun, true)}\n`;
}

function planText(plan: RunPlan, dryRun: boolean, short: boolean): string {
  if (short) return ` (${plan.send} to send, ${plan.settled} settled before)`;
  const send = `${dryRun ? 'would send' : 'sends'} ${plural(plan.send, 'payout')}${plan.totals.length ? ` (${totalsText(plan.totals)})` : ''}`;
  return `${send}; ${plural(plan.settled, 'row')} already settled`;
}

/** The human summary printed on stdout at the end of a run. */
export function formatSummary(s: RunSummary, cmd?: CommandLine): string {
  const lines: string[] = [];
  const counts = Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${o} ${n}`)
    .join(' · ');
  lines.push('', `${s.dryRun ? 'Dry run' : 'Run'} finished: ${plural(s.rows, 'row')}${counts ? ` · ${counts}` : ''}`);
  if (s.dryRun) {
    const would = planText(s.plan, true, false);
    lines.push(would.charAt(0).toUpperCase() + would.slice(1));
  } else {
    lines.push(`Sent ${plural(s.sent, 'payout')}; ${plural(s.plan.settled, 'row')} settled before.`);
  }
  for (const t of s.totals) {
    const paid = s.dryRun ? '' : ` · processed ${t.processed} · fees ${t.fees}`;
    lines.push(`  ${t.currency}: ${t.rows} valid ${t.rows === 1 ? 'row' : 'rows'} · ${t.requested} requested${paid}`);
  }
  lines.push(...problemLines(s));
  if (s.invalid.length) {
    lines.push(`Invalid rows${s.counts.invalid > s.invalid.length ? ` (first ${s.invalid.length} of ${s.counts.invalid}; all in the results CSV)` : ''}:`);
    for (const i of s.invalid) lines.push(`  ${i.message.startsWith('line ') ? '' : `line ${i.line}: `}${i.message} [${i.error_code}]`);
  }
  if (s.stopped) lines.push(`Stopped: ${s.stopped.message}`);
  if (s.inputChanged) lines.push(`Input changed: ${s.inputChanged}`);
  if (s.ignoredColumns.length) lines.push(`Columns ignored (not read, not sent): ${s.ignoredColumns.join(', ')}`);
  if (s.waited?.stillProcessing) lines.push(stillProcessingLine(s.waited));
  lines.push(`Results: ${s.results}${s.dryRun ? ' (the real results file is left as it was)' : ''}`);
  if (s.journal) lines.push(`Journal: ${s.journal}${s.dryRun ? ' (read, not written)' : ''}`);
  if (s.planFile) lines.push(s.dryRun ? `Plan: ${s.planFile}` : `Paid as planned in ${s.planFile}${s.inputChanged ? ': the copy of the file checked at the start (the file has changed since)' : ''}`);
  lines.push(...nextSteps(s, cmd ?? { input: s.input, program: 'milkypay-payouts', rerun: `milkypay-payouts run ${shellQuote(s.input)}` }));
  return lines.join('\n') + '\n';
}

/**
 * Held rows: nothing to do when they are repeats; the command that pays the listed ones if a second
 * payment is intended (the guard still holds the rest); a flat fee paid on a schedule needs a window
 * shorter than its interval.
 */
function heldStep(s: RunSummary, cmd: CommandLine): string {
  const refs = s.problems.filter((p) => p.outcome === 'repeat_payee').map((p) => p.reference_id);
  const count = s.counts.repeat_payee;
  const some = refs.length < count ? ` (the first ${refs.length} of ${count}; the results CSV lists them all)` : '';
  const allow = refs.map((r) => ` --allow-repeat-of ${shellQuote(r)}`).join('');
  return (
    `check the rows held as repeat payees (each names the earlier payment); if they are repeats, nothing was sent and nothing is to be done. ` +
    `If paying them again is intended${some}: ${cmd.rerun}${allow} ` +
    `(a flat fee paid on a schedule: give it a --repeat-window shorter than its interval instead, e.g. --repeat-window 12h for a nightly one).`
  );
}

/** The rows that need a person or a rerun, as `run` and `reconcile` list them. */
export function problemLines(s: Pick<RunSummary, 'counts' | 'problems'>): string[] {
  const problemCount = s.counts.failed + s.counts.conflict + s.counts.rejected + s.counts.partial + s.counts.error + ((s.counts as Record<string, number>)['repeat_payee'] ?? 0);
  if (!s.problems.length) return [];
  // A short list is the whole list (the count may include rows a stop left in flight, which are not listed).
  const more = s.problems.length >= 20 && problemCount > s.problems.length;
  const lines = [`Rows that need attention${more ? ` (first ${s.problems.length} of ${problemCount}; all in the results CSV)` : ''}:`];
  for (const p of s.problems) {
    const code = p.error_code ? ` [${p.error_code}]` : '';
    lines.push(`  line ${p.line}: ${p.reference_id} ${p.outcome}${p.invoice_id ? ` (invoice ${p.invoice_id})` : ''}: ${p.message}${code}`);
  }
  return lines;
}

/** `--wait` ran out: how many payouts are not final yet (the exit code is then 3). */
export function stillProcessingLine(waited: { seconds: number; stillProcessing: number }): string {
  const n = waited.stillProcessing;
  return `${plural(n, 'payout')} still processing after waiting ${waited.seconds} s: not final yet (exit 3); follow ${n === 1 ? 'it' : 'them'} with reconcile.`;
}

/** The retry-failed command for the failed rows of an input and its journal, as the user would type it. */
export function retryFailedCommand(program: string, input: string, journal: string | undefined): string {
  return `${program} retry-failed ${shellQuote(input)}${journal ? ` --journal ${shellQuote(journal)}` : ''} --suffix ${nextSuffix(input)}`;
}

/** `-r2`, or the next number when the file's name already ends with one (`payouts-r2.csv` -> `-r3`). */
export function nextSuffix(input: string): string {
  const stem = basename(input, extname(input));
  const m = /-r(\d+)$/.exec(stem);
  return m ? `-r${Number(m[1]) + 1}` : '-r2';
}

function nextSteps(s: RunSummary, cmd: CommandLine): string[] {
  const steps: string[] = [];
  const problems = s.counts.failed + s.counts.conflict + s.counts.rejected + s.counts.partial;
  const held = heldStep(s, cmd);
  if (s.dryRun) {
    if (s.counts.repeat_payee) steps.push(held);
    // The file changed while it was read: this plan describes bytes the file no longer holds.
    if (s.planFile && s.inputChanged) steps.push(`plan again once the file is final: ${cmd.program} plan ${shellQuote(cmd.input)}`);
    else if (s.planFile) {
      if (s.counts.invalid) steps.push('fix the invalid rows (or leave them out) and plan again, or accept that they are skipped.');
      // A --sandbox plan names a sandbox that is gone: it can be read, not applied.
      if (!cmd.sandbox && s.plan.send > 0) steps.push(`have the plan reviewed, then pay exactly this file: ${cmd.program} run ${shellQuote(cmd.input)} --plan ${shellQuote(s.planFile)}${cmd.rerun.includes(' --live') ? ' --live' : ''}`);
    } else if (s.counts.invalid) steps.push(`fix the invalid rows (or leave them out), then run without --dry-run: ${cmd.rerun}`);
    else if (s.plan.send > 0) steps.push(`run without --dry-run to send ${plural(s.plan.send, 'payout')}: ${cmd.rerun}`);
    else steps.push('nothing left to send: every valid row is settled in the journal.');
    return steps.map((x) => `Next: ${x}`);
  }
  // The next --sandbox run starts a new, empty sandbox and refuses this journal: no resuming it.
  if (!cmd.sandbox && (s.stopped || s.counts.error)) steps.push(`rerun the same command (the journal resumes and never pays a row twice): ${cmd.rerun}`);
  // retry-failed reads `<stem>.journal.jsonl` unless told: name any other journal (custom or --sandbox's).
  const ownJournal = s.journal && basename(s.journal) !== basename(defaultPaths(s.input).journal) ? join(dirname(cmd.input), basename(s.journal)) : undefined;
  const journalPath = cmd.journal ?? ownJournal;
  if (s.counts.failed) steps.push(`re-pay failed rows under new references: ${retryFailedCommand(cmd.program, cmd.input, journalPath)}`);
  const wait = s.waited ? ` --wait ${s.waited.seconds}` : '';
  if (!cmd.sandbox && s.counts.submitted) steps.push(`check payouts still processing later: ${cmd.program} reconcile ${s.journal ? shellQuote(s.journal) : '<journal>'}${wait}`);
  const fix = s.counts.invalid || s.counts.rejected;
  if (cmd.sandbox && (fix || s.stopped || s.counts.error)) {
    const redo = fix ? 'fix the invalid/rejected rows in the file, then rehearse again' : 'rehearse again';
    steps.push(`${redo} (each --sandbox run starts a new, empty sandbox and moves this journal aside): ${cmd.rerun}`);
  } else if (fix) steps.push(`fix the invalid/rejected rows in the file and rerun (only those are sent): ${cmd.rerun}`);
  if (s.counts.repeat_payee) steps.push(held);
  if (problems && !s.counts.failed && !s.counts.rejected) steps.push('check the rows listed above: the results CSV has each one with its reason.');
  return steps.map((x) => `Next: ${x}`);
}
