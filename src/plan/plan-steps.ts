/** `plan` and `run --plan`: what the pipeline does with a plan once the check is done. */
import { UsageError } from '../errors.js';
import { comparePlan } from './plan-compare.js';
import { PLAN_VERSION, writePlan, type PlanFile } from './plan-file.js';
import { planFacts, type CheckFacts } from './plan-facts.js';

/** Throws (exit 2, nothing sent) unless this run pays exactly what the plan describes. */
export async function assertMatchesPlan(plan: { path: string; file: PlanFile }, facts: CheckFacts): Promise<void> {
  const differences = comparePlan(plan.file, await planFacts(facts));
  if (differences.length === 0) return;
  throw new UsageError(
    'plan_mismatch',
    `${plan.path} (made ${plan.file.createdAt}) does not describe this run: ${differences.join('; ')}. Nothing was sent. Review the file again and make a new plan with \`milkypay-payouts plan\``,
    { path: plan.path },
  );
}

export async function writePlanOf(path: string, facts: CheckFacts, now: Date = new Date()): Promise<PlanFile> {
  const plan: PlanFile = { version: PLAN_VERSION, createdAt: now.toISOString(), ...(await planFacts(facts)) };
  await writePlan(path, plan);
  return plan;
}
