/**
 * A real run's plans, one line a row in file order: written by the check, read by the paying pass.
 * The pass pays what the check planned and the operator confirmed, without reading or validating
 * the input again: a row ends either as the check left it (`done`: invalid, settled, held; its
 * results row) or by being executed (`go`: its payout and job). The file lives in the run's private
 * folder, beside the input's copy (0600 in a 0700 folder), and goes with it.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.js';
import type { PayoutInstruction } from '../payout/instruction.js';
import type { PlannedJob, RowToExecute } from '../payout/plan-row.js';
import type { Outcome } from '../payout/outcome.js';
import type { ResultRow } from '../payout/result-row.js';

/** A row the paying pass executes (`send`, or a settled row to poll), and what its ledger screen reads. */
export interface GoPlan {
  plan: RowToExecute;
  /** The row's own `allow_repeat` cell said yes. */
  allowRepeat: boolean;
  /** The journal holds its reference (a rerun, never a repeat payee). */
  journaled: boolean;
}

/** A row that ended in the check: its results row; `payout` when it ended settled (the ledger is told how). */
export interface DonePlan {
  row: ResultRow;
  settled?: { payout: PayoutInstruction; outcome: Outcome };
}

export type SpooledPlan = { go: GoPlan } | { done: DonePlan };

interface GoLine {
  g: { kind: 'send' | 'settled'; payout: PayoutInstruction; job: Omit<PlannedJob, 'request'>; outcome?: Outcome; follow?: boolean; allowRepeat: boolean; journaled: boolean };
}

export class PlanSpool {
  readonly #out: WriteStream;
  #chunk = '';
  /** The first write that failed: the next flush or close throws it, before anything is sent. */
  #failed: unknown;

  private constructor(readonly path: string) {
    this.#out = createWriteStream(path, { mode: 0o600, flags: 'wx' });
    this.#out.on('error', (error) => (this.#failed ??= error));
  }

  static async create(path: string): Promise<PlanSpool> {
    const spool = new PlanSpool(path);
    await firstOf(spool.#out, ['open', 'error']);
    spool.#check();
    return spool;
  }

  add(plan: SpooledPlan): void {
    this.#chunk += JSON.stringify('go' in plan ? goLine(plan.go) : { d: plan.done }) + '\n';
  }

  /** Hands what is written to the file, waiting while it is behind (memory stays flat). */
  async flush(): Promise<void> {
    this.#check();
    if (this.#chunk === '') return;
    const ok = this.#out.write(this.#chunk);
    this.#chunk = '';
    if (!ok) await firstOf(this.#out, ['drain', 'close', 'error']);
    this.#check();
  }

  async close(): Promise<void> {
    await this.flush();
    if (!this.#out.writableFinished) {
      const ended = firstOf(this.#out, ['finish', 'close', 'error']);
      this.#out.end();
      await ended;
    }
    this.#check();
  }

  /** A spool that cannot be written stops the run before anything is sent (exit 2), naming the folder and the fix. */
  #check(): void {
    if (this.#failed === undefined) return;
    const code = (this.#failed as NodeJS.ErrnoException).code ?? (this.#failed as Error).message;
    const fix = code === 'ENOSPC' || code === 'EDQUOT' ? 'no space left there: free some space, or point TMPDIR at a folder on a disk with room' : 'point TMPDIR at a folder you can write to, on a disk with room';
    throw new UsageError('plan_spool_failed', `cannot write the run's plans to ${this.path} (${code}): ${fix} for a copy of the file and its plans (about five times its size). Nothing was sent`, { path: this.path });
  }

  /** The plans in file order, in batches of up to `size`. */
  static async *read(path: string, size = 512): AsyncGenerator<SpooledPlan[]> {
    let batch: SpooledPlan[] = [];
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      batch.push(fromLine(JSON.parse(line) as GoLine | { d: DonePlan }));
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/**
 * The first of `events` (an error is kept by the constructor's listener, and the caller's #check
 * reports it), leaving none of these listeners behind: a run flushes its plans thousands of times.
 */
function firstOf(out: WriteStream, events: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of events) out.off(event, done);
      resolve();
    };
    for (const event of events) out.on(event, done);
  });
}

/** The job without its request, which is the payout's own (written once). */
function goLine({ plan, allowRepeat, journaled }: GoPlan): GoLine {
  const { request: _request, ...job } = plan.job;
  const settled = plan.kind === 'settled' ? { outcome: plan.outcome, follow: plan.follow } : {};
  return { g: { kind: plan.kind, payout: plan.payout, job, ...settled, allowRepeat, journaled } };
}

function fromLine(line: GoLine | { d: DonePlan }): SpooledPlan {
  if ('d' in line) return { done: line.d };
  const { kind, payout, job, outcome, follow, allowRepeat, journaled } = line.g;
  const fullJob: PlannedJob = { ...job, request: payout.request };
  const plan: GoPlan['plan'] = kind === 'send' ? { kind, payout, job: fullJob } : { kind, payout, job: fullJob, outcome: outcome!, follow: follow! };
  return { go: { plan, allowRepeat, journaled } };
}
