import { describe, expect, it } from 'vitest';
import { failureAction, find, loadManifests, type FailureRule } from './k8s-manifests.js';

// SPEC §10 and the README's exit-code table: what a scheduler does with each code.
//   1: rows need a person, 2: set-up refused -> fail at once (a retry cannot help and would page twice)
//   3: incomplete, 137/143: killed -> retry (the rerun resumes from the journal), counted
//   evicted / preempted (DisruptionTarget) -> retry without counting
const EXPECTED: Array<[exitCode: number, meaning: 'fail' | 'retry']> = [
  [1, 'fail'],
  [2, 'fail'],
  [3, 'retry'],
  [137, 'retry'],
  [143, 'retry'],
  [127, 'fail'],
];

/** Every way `job`'s podFailurePolicy departs from the table, for a job that fails with `fail`. */
function exitCodeProblems(job: Record<string, any>, fail: FailureRule['action']): string[] {
  const problems: string[] = [];
  for (const [exitCode, meaning] of EXPECTED) {
    const action = failureAction(job, { container: 'payouts', exitCode });
    const wanted = meaning === 'fail' ? fail : 'Count';
    if (action !== wanted) problems.push(`exit ${exitCode} (${meaning}) gets ${action}, not ${wanted}`);
  }
  const evicted = failureAction(job, { condition: 'DisruptionTarget' });
  if (evicted !== 'Ignore') problems.push(`an evicted pod gets ${evicted}, not Ignore`);
  const limit = fail === 'FailIndex' ? job['backoffLimitPerIndex'] : job['backoffLimit'];
  if (!(Number.isInteger(limit) && limit >= 3)) problems.push(`retries of exit 3 are limited to ${String(limit)}: allow a few`);
  return problems;
}

const docs = loadManifests();
const cron = () => find(docs, 'CronJob', 'milkypay-payouts-nightly').spec['jobTemplate'].spec as Record<string, any>;
const indexed = () => find(docs, 'Job', 'milkypay-payouts-accounts').spec;

describe('the exit codes decide what Kubernetes does, as SPEC §10 says', () => {
  it('the CronJob: 1 and 2 fail the Job, 3 and 137/143 are retried and counted, an eviction is not counted', () => {
    expect(exitCodeProblems(cron(), 'FailJob')).toEqual([]);
  });

  it('the Indexed Job: 1 and 2 end that account’s index (the others finish), 3 and 137/143 retry that index', () => {
    expect(exitCodeProblems(indexed(), 'FailIndex')).toEqual([]);
  });

  // The check must be able to fail: each mutation breaks one rule and must be caught.
  const rules = (job: Record<string, any>): FailureRule[] => job['podFailurePolicy'].rules;
  const mutations: Array<[string, (job: Record<string, any>) => void]> = [
    ['2 left out of the failing codes', (job) => (rules(job)[0]!.onExitCodes!.values = [1])],
    ['1 and 2 retried instead of failing', (job) => (rules(job)[0]!.action = 'Count')],
    ['3 ignored (retried for ever, never counted)', (job) => (rules(job).find((r) => r.onExitCodes?.values.includes(3))!.action = 'Ignore')],
    ['3 failing the job', (job) => (rules(job).find((r) => r.onExitCodes?.values.includes(3))!.action = 'FailJob')],
    ['rules naming another container', (job) => rules(job).forEach((r) => r.onExitCodes && (r.onExitCodes.containerName = 'main'))],
    ['no rule for evictions', (job) => (job['podFailurePolicy'].rules = rules(job).filter((r) => !r.onPodConditions))],
    ['no podFailurePolicy at all', (job) => delete job['podFailurePolicy']],
    ['no retries left', (job) => (job['backoffLimit'] = job['backoffLimitPerIndex'] = 0)],
  ];
  it.each(mutations)('a CronJob with %s is caught', (_, mutate) => {
    const job = cron();
    mutate(job);
    expect(exitCodeProblems(job, 'FailJob')).not.toEqual([]);
  });
  it.each(mutations)('an Indexed Job with %s is caught', (_, mutate) => {
    const job = indexed();
    mutate(job);
    expect(exitCodeProblems(job, 'FailIndex')).not.toEqual([]);
  });
});
