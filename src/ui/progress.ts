import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { Logger } from '../log.js';
import type { Outcome } from '../payout/outcome.js';
import type { Progress } from '../run/progress-events.js';
import type { TerminalOutput } from './terminal.js';

// The rows the summary will list as needing a person. Invalid rows are counted apart: the rules
// refused them before any request.
const PROBLEMS: ReadonlySet<Outcome> = new Set(['repeat_payee', 'rejected', 'conflict', 'partial', 'failed', 'error']);

interface Counter {
  total: number;
  done: number;
  attention: number;
  invalid: number;
  /** Rows a stop left before they started: not done, and no longer to come in this run. */
  notStarted: number;
  startedAt: number;
  /** Until when the API asked the run to wait (Retry-After). */
  waitUntil: number;
}

/** ` · waiting 42 s (the API asked to slow down: Retry-After)`, or nothing when not waiting. */
function waitNote(c: Pick<Counter, 'waitUntil'>, now = Date.now()): string {
  const left = Math.ceil((c.waitUntil - now) / 1000);
  return left > 0 ? ` · waiting ${left} s (the API asked to slow down: Retry-After)` : '';
}

/** `1 needs attention`, `3 need attention`: the rows the summary will list for a person to look at. */
function attentionCount(c: Pick<Counter, 'attention'>): string {
  return `${c.attention} ${c.attention === 1 ? 'needs' : 'need'} attention`;
}

/** ` · 2 invalid · 40 not started`: the counts shown only when there are some. */
function apartNote(c: Pick<Counter, 'invalid' | 'notStarted'>): string {
  return `${c.invalid > 0 ? ` · ${c.invalid} invalid` : ''}${c.notStarted > 0 ? ` · ${c.notStarted} not started` : ''}`;
}

/** Rows a second since the run began. */
function rowsPerSecond(c: Counter, now: number): number {
  return c.done / Math.max((now - c.startedAt) / 1000, 0.001);
}

/** `1200/5000 rows · 240 rows/s · 3 need attention · 2 invalid · eta 16s` */
function progressLine(c: Counter, now = Date.now()): string {
  const rate = rowsPerSecond(c, now);
  const eta = rate > 0 ? Math.ceil((c.total - c.done - c.notStarted) / rate) : undefined;
  return `${c.done}/${c.total} rows · ${Math.round(rate)} rows/s · ${attentionCount(c)}${apartNote(c)} · eta ${eta === undefined ? '?' : `${eta}s`}${waitNote(c, now)}`;
}

/** The figures of a progress line, for a JSON log line beside its text. */
function progressFields(c: Counter, now = Date.now()): Record<string, number> {
  const rate = rowsPerSecond(c, now);
  const fields: Record<string, number> = { done: c.done, total: c.total, rowsPerSecond: Math.round(rate), attention: c.attention, invalid: c.invalid, notStarted: c.notStarted };
  if (rate > 0) fields['etaSeconds'] = Math.ceil((c.total - c.done - c.notStarted) / rate);
  const waiting = Math.ceil((c.waitUntil - now) / 1000);
  if (waiting > 0) fields['waitingSeconds'] = waiting;
  return fields;
}

/** Counts a finished row: a person's problem, invalid, or (a stop left it) not started. */
function count(c: Counter, outcome: Outcome): void {
  if (outcome === 'not_started') {
    c.notStarted += 1;
    return;
  }
  c.done += 1;
  if (outcome === 'invalid') c.invalid += 1;
  else if (PROBLEMS.has(outcome)) c.attention += 1;
}

/**
 * A live bar on a terminal; otherwise a line every few seconds (cron, CI, log files): a JSON log
 * line through `log` like the rest of stderr, its text as the message (plain text without `log`).
 */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  intervalMs = 5000,
  terminal?: TerminalOutput,
  log?: Pick<Logger, 'info'>,
): Progress {
  const c: Counter = { total: 0, done: 0, attention: 0, invalid: 0, notStarted: 0, startedAt: Date.now(), waitUntil: 0 };
  return stream.isTTY ? barProgress(stream, c, terminal) : lineProgress(stream, c, intervalMs, log);
}

function barProgress(stream: NodeJS.WritableStream, c: Counter, terminal: TerminalOutput | undefined): Progress {
  // Loaded for a terminal only: runs from cron or CI start without it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const bars = new cliProgress.MultiBar(
    { stream, format: '{bar} {value}/{total} rows · {rate} rows/s · {attention}{apart} · eta {eta}s{note}', hideCursor: true, etaBuffer: 200, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let bar: CliProgress.SingleBar | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const note = waitNote(c);
    bar?.update(c.done, { rate: Math.round(rowsPerSecond(c, Date.now())), attention: attentionCount(c), apart: apartNote(c), note });
    if (!note && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
  return {
    begin(total) {
      c.total = total;
      c.startedAt = Date.now();
      bar = bars.create(total, 0, { rate: 0, attention: attentionCount(c), apart: '', note: '' });
      terminal?.attach({ log: (text) => bars.log(text) });
    },
    row(outcome) {
      count(c, outcome);
      draw();
    },
    waiting(untilMs) {
      c.waitUntil = Math.max(c.waitUntil, untilMs);
      draw();
      ticker ??= setInterval(draw, 1000).unref(); // the countdown moves while no row finishes
    },
    end() {
      if (ticker) clearInterval(ticker);
      ticker = undefined;
      if (!bar) return;
      bars.update();
      bars.stop();
      bar = undefined;
      terminal?.attach(undefined);
    },
  };
}

function lineProgress(stream: NodeJS.WritableStream, c: Counter, intervalMs: number, log: Pick<Logger, 'info'> | undefined): Progress {
  let timer: NodeJS.Timeout | undefined;
  const say = (): void => {
    const now = Date.now();
    if (log) log.info({ progress: progressFields(c, now) }, progressLine(c, now));
    else stream.write(`${progressLine(c, now)}\n`);
  };
  return {
    begin(total) {
      c.total = total;
      c.startedAt = Date.now();
      timer = setInterval(say, intervalMs);
      timer.unref();
    },
    row: (outcome) => count(c, outcome),
    waiting(untilMs) {
      const known = c.waitUntil > Date.now();
      c.waitUntil = Math.max(c.waitUntil, untilMs);
      if (!known && timer) say(); // say so when the wait starts, not at the next tick
    },
    end() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      say();
    },
  };
}
