import { describe, expect, it } from 'vitest';
import { begin, type Command, type RowContext, type RowEvent, type RowState } from '../../src/payout/machine.js';
import {
  CREATE,
  LOOKUP,
  NOT_FOUND,
  PROCESS,
  READ,
  T0,
  answer,
  context,
  count,
  drive,
  failed,
  failureAt,
  failuresAt,
  httpError,
  invoice,
  seeded,
  type Trace,
} from './machine-helpers.js';

/** Feeds the same kind of failure to every request of a kind; `fallback` answers the rest. */
function always(byKind: Partial<Record<Command['kind'], RowEvent>>, fallback: RowEvent = answer()): (c: Command) => RowEvent {
  return (c) => byKind[c.kind] ?? fallback;
}

const WAIT = { waitUntil: T0 + 60_000 };
const fresh = (ctx: RowContext) => begin({ kind: 'new' }, ctx);

describe('whole rows', () => {
  it('pays a row with one create and one process', () => {
    const trace = drive(begin({ kind: 'new' }, context()), context(), (c) => (c.kind === 'create' ? answer() : answer({ status: 'processed' })));
    expect(trace.commands.map((c) => c.kind)).toEqual(['create', 'process', 'finish']);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'processed' });
  });

  it('409, same data, still created: adopts it and processes it once', () => {
    const trace = drive(begin({ kind: 'new' }, context()), context(), (c) => {
      if (c.kind === 'create') return failed(httpError(CREATE, 409));
      if (c.kind === 'lookup') return answer({ amount: '10.5' });
      return answer({ status: 'processing' });
    });
    expect(trace.commands.map((c) => c.kind)).toEqual(['create', 'lookup', 'process', 'finish']);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'submitted' });
  });

  it('409, same data, already final: done without processing', () => {
    const trace = drive(begin({ kind: 'new' }, context()), context(), (c) =>
      c.kind === 'create' ? failed(httpError(CREATE, 409)) : answer({ status: 'processed' }),
    );
    expect(trace.commands.map((c) => c.kind)).toEqual(['create', 'lookup', 'finish']);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'processed' });
  });

  it('409, different data: conflict, never processed', () => {
    const trace = drive(begin({ kind: 'new' }, context()), context(), (c) =>
      c.kind === 'create' ? failed(httpError(CREATE, 409)) : answer({ id: 'inv-other', currency: 'EUR' }),
    );
    expect(trace.commands.map((c) => c.kind)).toEqual(['create', 'lookup', 'finish']);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'conflict', invoice: { id: 'inv-other' } });
  });

  it('--wait polls until the status is final', () => {
    const statuses = ['processing', 'process_pending', 'process_error', 'processed'];
    const trace = drive(begin({ kind: 'new' }, context(WAIT)), context(WAIT), (c) => {
      if (c.kind === 'create') return answer();
      if (c.kind === 'process') return answer();
      return answer({ status: statuses.shift() ?? 'processing' });
    });
    expect(trace.commands.map((c) => c.kind)).toEqual(['create', 'process', 'poll', 'poll', 'poll', 'poll', 'finish']);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'processed' });
  });

  it('--wait stops at the deadline as submitted, never sleeping past it', () => {
    const waitUntil = T0 + 20_000;
    const trace = drive(begin({ kind: 'new' }, context({ waitUntil })), context({ waitUntil }), (c) =>
      c.kind === 'poll' ? answer({ status: 'processing' }) : answer(),
    );
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'submitted', invoice: { status: 'processing' } });
    const polls = trace.steps.filter((s) => s.command.kind === 'poll');
    expect(polls.length).toBeGreaterThan(4);
    for (const s of polls) expect(s.now + (s.command.kind === 'poll' ? s.command.delayMs : 0)).toBeLessThanOrEqual(waitUntil);
  });
});

describe('attempts are bounded', () => {
  const limits = { maxCreateAttempts: 4, maxProcessAttempts: 3, maxLookups: 6 };
  const ctx = context(limits);

  it.each(['500 none', '503 none', 'network none'])('create always %s: maxCreateAttempts creates, then error', (name) => {
    const trace = drive(fresh(ctx), ctx, always({ create: failed(failureAt(CREATE, name)) }));
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'create_failed' });
    expect(count(trace, 'create')).toBe(4);
    expect(count(trace, 'lookup')).toBe(0);
  });

  it.each(['429', '500 maybe', 'timeout', 'network maybe', 'bad_response'])('create always %s, never found: a lookup before every retry', (name) => {
    const trace = drive(fresh(ctx), ctx, always({ create: failed(failureAt(CREATE, name)), lookup: NOT_FOUND }));
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'create_failed' });
    expect(count(trace, 'create')).toBe(4);
    expect(count(trace, 'lookup')).toBe(4);
    expect(trace.commands.slice(0, 4).map((c) => c.kind)).toEqual(['create', 'lookup', 'create', 'lookup']);
  });

  it('create of unknown effect, lookups always failing: maxLookups lookups, then error in_doubt', () => {
    const trace = drive(fresh(ctx), ctx, always({ create: failed(failureAt(CREATE, '502 maybe')), lookup: failed(failureAt(LOOKUP, '503 none')) }));
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'in_doubt' });
    expect(count(trace, 'create')).toBe(1);
    expect(count(trace, 'lookup')).toBe(6);
  });

  it('409 whose reference is never found: maxLookups lookups, never another create', () => {
    const trace = drive(fresh(ctx), ctx, always({ create: failed(failureAt(CREATE, '409')), lookup: NOT_FOUND }));
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'duplicate_not_found' });
    expect(count(trace, 'create')).toBe(1);
    expect(count(trace, 'lookup')).toBe(6);
  });

  it.each(['500 none', 'network none'])('process always %s: maxProcessAttempts processes, then error', (name) => {
    const trace = drive(fresh(ctx), ctx, always({ process: failed(failureAt(PROCESS, name)) }));
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'process_failed_to_send', invoice: { id: 'inv-1' } });
    expect(count(trace, 'process')).toBe(3);
  });

  it.each(['409', '429', '500 maybe', 'timeout', 'bad_response'])('process always %s, invoice still created: a read before every retry', (name) => {
    const trace = drive(fresh(ctx), ctx, always({ process: failed(failureAt(PROCESS, name)) }));
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'process_failed_to_send' });
    expect(count(trace, 'process')).toBe(3);
    expect(count(trace, 'read')).toBe(3);
  });

  it('process of unknown effect, reads always failing: maxLookups reads, then error process_in_doubt', () => {
    const trace = drive(fresh(ctx), ctx, always({ process: failed(failureAt(PROCESS, 'timeout')), read: failed(failureAt(READ, 'timeout')) }));
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'error', errorCode: 'process_in_doubt' });
    expect(count(trace, 'process')).toBe(1);
    expect(count(trace, 'read')).toBe(6);
  });

  it('polls that always fail end as submitted at the deadline', () => {
    const waiting = context({ ...limits, waitUntil: T0 + 30_000 });
    const trace = drive(fresh(waiting), waiting, always({ poll: failed(failureAt(READ, '503 none')) }, answer({ status: 'processing' })));
    expect(trace.finished).toBe(true);
    expect(trace.final).toMatchObject({ kind: 'done', outcome: 'submitted' });
    expect(count(trace, 'poll')).toBeGreaterThan(3);
  });
});

// ---- property: random answers never make the machine pay twice, loop, or outgrow its limits ----

const STATUSES = ['created', 'created', 'processing', 'process_pending', 'process_error', 'processed', 'partially_processed', 'process_failed', 'expired', 'terminated', 'whatever_new'];

function randomAnswers(random: () => number): (c: Command) => RowEvent {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const failure = (where: typeof CREATE): RowEvent => {
    const all = failuresAt(where).filter((f) => f.name !== '401' && f.name !== '403');
    return failed(random() < 0.01 ? failureAt(where, '401') : pick(all).error);
  };
  const mine = (): RowEvent => answer({ status: pick(STATUSES), amount: pick(['10.5', '10.50']) });
  return (c) => {
    const r = random();
    switch (c.kind) {
      case 'create':
        return r < 0.3 ? answer() : failure(CREATE);
      case 'lookup':
        if (r < 0.25) return mine();
        if (r < 0.35) return answer({ id: 'inv-other', status: 'created', amount: pick(['99.00', '10.51']), currency: pick(['USD', 'EUR']) });
        return r < 0.6 ? NOT_FOUND : failure(LOOKUP);
      case 'process':
        return r < 0.35 ? mine() : failure(PROCESS);
      case 'read':
        return r < 0.4 ? mine() : r < 0.45 ? NOT_FOUND : failure(READ);
      default:
        return r < 0.5 ? mine() : failure(READ);
    }
  };
}

function startStates(ctx: RowContext): RowState[] {
  return [
    begin({ kind: 'new' }, ctx),
    { kind: 'in_doubt', attempt: 0, lookups: 0, delayMs: 0, why: 'resume' },
    begin({ kind: 'created', invoice: invoice() }, ctx),
    { kind: 'process_doubt', invoice: invoice(), attempt: 1, reads: 0, delayMs: 0 },
    begin({ kind: 'submitted', invoice: invoice({ status: 'processing' }), polls: 0, delayMs: 0 }, ctx),
  ];
}

/** Everything wrong with one trace, as readable lines. */
function violations(trace: Trace, start: RowState, ctx: RowContext, bound: number): string[] {
  const found: string[] = [];
  if (!trace.finished) found.push(`did not finish within ${bound} requests`);
  if (trace.commands.length - 1 > bound) found.push(`${trace.commands.length - 1} requests > bound ${bound}`);
  if (count(trace, 'create') > ctx.maxCreateAttempts) found.push(`${count(trace, 'create')} creates`);
  if (count(trace, 'process') > ctx.maxProcessAttempts) found.push(`${count(trace, 'process')} processes`);
  let invoiceSeen = 'invoice' in start;
  let processedOk = false;
  for (const { command, now, event } of trace.steps) {
    if (invoiceSeen && (command.kind === 'create' || command.kind === 'lookup')) found.push(`${command.kind} after an invoice was seen`);
    if (command.kind === 'process' && command.invoiceId !== 'inv-1') found.push(`process of ${command.invoiceId}`);
    if (command.kind === 'process' && processedOk) found.push('process after a successful process');
    if ('delayMs' in command && !(command.delayMs >= 0 && Number.isFinite(command.delayMs))) found.push(`delay ${command.delayMs}`);
    if (command.kind === 'poll' && ctx.waitUntil !== undefined && now + command.delayMs > ctx.waitUntil) found.push('poll sleeps past the deadline');
    if (event?.kind === 'invoice' && event.invoice.id === 'inv-1') invoiceSeen = true;
    if (command.kind === 'process' && event?.kind === 'invoice') processedOk = true;
  }
  if (trace.final.kind === 'done' && trace.final.outcome === 'conflict' && count(trace, 'process') > 0) found.push('processed a conflict');
  if (!ctx.process && start.kind !== 'process_doubt' && count(trace, 'process') > 0) found.push('processed with --no-process');
  return found;
}

describe('random answers (seeded)', () => {
  it('the checker itself flags a trace that creates after an invoice, processes a stranger or processes twice', () => {
    const ctx = context();
    const start: RowState = { kind: 'creating', attempt: 1, delayMs: 0 };
    const process = (invoiceId: string): Command => ({ kind: 'process', invoiceId, delayMs: 0 });
    const bad: Trace = {
      finished: true,
      final: { kind: 'done', outcome: 'processed' },
      commands: [],
      steps: [
        { command: { kind: 'create', delayMs: 0 }, now: T0, event: answer() },
        { command: { kind: 'create', delayMs: 0 }, now: T0, event: answer() },
        { command: process('inv-1'), now: T0, event: answer({ status: 'processing' }) },
        { command: process('inv-other'), now: T0, event: answer() },
        { command: { kind: 'finish' }, now: T0 },
      ],
    };
    bad.commands = bad.steps.map((s) => s.command);
    expect(violations(bad, start, ctx, 10)).toEqual([
      'create after an invoice was seen',
      'process of inv-other',
      'process after a successful process',
    ]);
  });

  it('always terminate within the bound, never create after an invoice, never process twice or a conflict', () => {
    const problems: string[] = [];
    for (let run = 0; run < 1_000; run++) {
      const random = seeded(run + 1);
      const limit = () => 1 + Math.floor(random() * 6);
      const waitMs = random() < 0.5 ? undefined : Math.floor(random() * 30_000);
      const ctx = context({
        maxCreateAttempts: limit(),
        maxProcessAttempts: limit(),
        maxLookups: limit(),
        process: random() < 0.85,
        ...(waitMs === undefined ? {} : { waitUntil: T0 + waitMs }),
        random,
      });
      const { maxCreateAttempts: c, maxProcessAttempts: p, maxLookups: l } = ctx;
      // Poll delays are at least 125 ms (half the 250 ms base) until the deadline cuts the last one short.
      const bound = c + c * l + l + p + p * l + Math.ceil((waitMs ?? 0) / 125) + 2;
      const start = startStates(ctx)[run % 5] as RowState;
      const trace = drive(start, ctx, randomAnswers(random), { maxSteps: bound + 5, latencyMs: () => Math.floor(random() * 100) });
      for (const v of violations(trace, start, ctx, bound)) problems.push(`seed ${run + 1} (start ${start.kind}): ${v}`);
    }
    expect(problems).toEqual([]);
  });
});
