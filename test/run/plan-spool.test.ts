import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { PayoutInstruction } from '../../src/payout/instruction.js';
import { PlanSpool, type SpooledPlan } from '../../src/run/plan-spool.js';

function payout(ref: string, line: number): PayoutInstruction {
  const request = { referenceId: ref, service: 'test_usd', currency: 'USD', amount: '10.00', fields: { account: '0012345' }, options: { auto_process: true } };
  return { line, referenceId: ref, service: 'test_usd', currency: 'USD', amount: '10.00', request, payeeFields: ['account'] };
}

describe('the plan spool: what the check planned, read back by the paying pass', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-spool-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('waits for the file as often as it must without leaving a listener behind each time (no leak warning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const spool = await PlanSpool.create(join(dir, 'plans.jsonl'));
      const big: SpooledPlan = { done: { row: { line: 2, reference_id: 'r', outcome: 'invalid', error_code: 'invalid_amount', error_message: 'x'.repeat(64 * 1024) } } };
      for (let i = 0; i < 40; i++) {
        spool.add(big); // past the stream's buffer: each flush waits for it to drain
        await spool.flush();
      }
      await spool.close();
      await new Promise((resolve) => setImmediate(resolve)); // a warning is emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('gives back every plan in file order, in batches, with the job’s request as the payout’s own (0600)', async () => {
    const path = join(dir, 'plans.jsonl');
    const spool = await PlanSpool.create(path);
    const plans: SpooledPlan[] = [];
    for (let i = 0; i < 1200; i++) {
      const p = payout(`r-${i}`, i + 2);
      const job = { line: p.line, referenceId: p.referenceId, request: p.request, initial: { kind: 'new' as const }, started: { kind: 'creating' as const, attempt: 1, delayMs: 0 } };
      plans.push(
        i % 3 === 0
          ? { done: { row: { line: i + 2, reference_id: `r-${i}`, outcome: 'invalid', error_code: 'invalid_amount', error_message: 'x' } } }
          : { go: { plan: { kind: 'send', payout: p, job }, allowRepeat: i % 2 === 0, journaled: false } },
      );
    }
    for (const plan of plans) spool.add(plan);
    await spool.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const batches: SpooledPlan[][] = [];
    for await (const batch of PlanSpool.read(path, 500)) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([500, 500, 200]);
    expect(batches.flat()).toEqual(plans);
  });

  it('a spool that cannot be written stops the run before anything is sent: exit 2, naming the file and TMPDIR', async () => {
    const path = join(dir, 'gone', 'plans.jsonl');
    const error = await PlanSpool.create(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(new RegExp(`cannot write the run's plans to ${path} \\(ENOENT\\): point TMPDIR at .*Nothing was sent`));
  });

  it('never writes into a file that is already there', async () => {
    const path = join(dir, 'plans.jsonl');
    await (await PlanSpool.create(path)).close();
    await expect(PlanSpool.create(path)).rejects.toThrow(/\(EEXIST\)/);
  });
});
