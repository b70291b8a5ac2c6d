/**
 * `<stem>.plan.json`: what a reviewed dry run saw, so that `run --plan` pays exactly that file.
 * Written atomically and readable by its owner only.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { UsageError } from '../errors.js';
import { writeAtomic } from '../write-atomic.js';

export const PLAN_VERSION = 1;

/** What a plan is compared on (everything but when it was made). */
export interface PlanFacts {
  input: { file: string; sha256: string };
  api: { origin: string; account: string; mode: 'test' | 'live' };
  rows: number;
  validRows: number;
  /** Valid rows per currency, amounts exact, sorted by currency. */
  totals: Array<{ currency: string; rows: number; amount: string }>;
  rulesDigest: string;
  /** Rows the repeat-payee guard holds (they will not be sent). */
  holds: Array<{ line: number; reference_id: string; message: string }>;
}

export interface PlanFile extends PlanFacts {
  version: typeof PLAN_VERSION;
  createdAt: string;
}

const planSchema = z.object({
  version: z.literal(PLAN_VERSION),
  createdAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'a date'),
  input: z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  api: z.object({ origin: z.string(), account: z.string(), mode: z.enum(['test', 'live']) }),
  rows: z.number().int().nonnegative(),
  validRows: z.number().int().nonnegative(),
  totals: z.array(z.object({ currency: z.string(), rows: z.number().int().nonnegative(), amount: z.string() })),
  rulesDigest: z.string(),
  holds: z.array(z.object({ line: z.number().int(), reference_id: z.string(), message: z.string() })),
});

export async function writePlan(path: string, plan: PlanFile): Promise<void> {
  await writeAtomic(path, `${JSON.stringify(plan, null, 2)}\n`, { durable: true });
}

export async function readPlan(path: string): Promise<PlanFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError('bad_plan', `cannot read the plan ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): make one with \`milkypay-payouts plan <input.csv>\``, { path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('bad_plan', `the plan ${path} is not JSON: make it again with \`milkypay-payouts plan <input.csv>\``, { path });
  }
  const parsed = planSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError('bad_plan', `the plan ${path} is not a plan this tool wrote (${issue.path.join('.') || 'top level'}: ${issue.message}): make it again with \`milkypay-payouts plan <input.csv>\``, { path });
  }
  return parsed.data;
}
