import type { RunSummary } from '../run/summary.js';

/** The human summary printed on stderr at the end of a run. */
export function formatSummary(s: RunSummary): string {
  const lines: string[] = [];
  const counts = Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${o} ${n}`)
    .join(' · ');
  lines.push('', `${s.dryRun ? 'Dry run' : 'Run'} finished: ${s.rows} rows${counts ? ` · ${counts}` : ''}`);
  for (const t of s.totals) {
    const paid = s.dryRun ? '' : ` · processed ${t.processed} · fees ${t.fees}`;
    lines.push(`  ${t.currency}: ${t.rows} valid ${t.rows === 1 ? 'row' : 'rows'} · ${t.requested} requested${paid}`);
  }
  if (s.invalid.length) {
    lines.push(`Invalid rows${s.counts.invalid > s.invalid.length ? ` (first ${s.invalid.length} of ${s.counts.invalid}; all in the results CSV)` : ''}:`);
    for (const i of s.invalid) lines.push(`  ${i.message.startsWith('line ') ? '' : `line ${i.line}: `}${i.message} [${i.error_code}]`);
  }
  if (s.stopped) lines.push(`Stopped: ${s.stopped.message}`);
  lines.push(`Results: ${s.results}`);
  if (s.journal) lines.push(`Journal: ${s.journal}`);
  lines.push(...nextSteps(s));
  return lines.join('\n') + '\n';
}

function nextSteps(s: RunSummary): string[] {
  const steps: string[] = [];
  if (s.dryRun) {
    if (s.counts.invalid) steps.push('Fix the invalid rows (or leave them out), then run without --dry-run.');
    else steps.push('Every row is valid: run again without --dry-run to pay.');
    return steps.map((x) => `Next: ${x}`);
  }
  if (s.stopped || s.counts.error) steps.push('rerun the same command: the journal resumes and never pays a row twice.');
  if (s.counts.failed) steps.push(`re-pay failed rows under new references: milkypay-payouts retry-failed ${s.input} --suffix -r2`);
  if (s.counts.submitted) steps.push(`check payouts still processing later: milkypay-payouts reconcile ${s.journal ?? '<journal>'}`);
  if (s.counts.invalid || s.counts.rejected) steps.push('fix the invalid/rejected rows in the file and rerun: only those are sent.');
  return steps.map((x) => `Next: ${x}`);
}
