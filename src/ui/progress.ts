import cliProgress from 'cli-progress';
import type { Outcome } from '../payout/outcome.js';
import type { Progress } from '../run/progress.js';
import type { TerminalOutput } from './terminal.js';

const PROBLEMS: ReadonlySet<Outcome> = new Set(['invalid', 'rejected', 'conflict', 'partial', 'failed', 'error']);

interface Counter {
  total: number;
  done: number;
  errors: number;
  startedAt: number;
}

/** `1200/5000 rows · 240 rows/s · 3 errors · eta 16s` */
export function progressLine(c: Counter, now = Date.now()): string {
  const seconds = Math.max((now - c.startedAt) / 1000, 0.001);
  const rate = c.done / seconds;
  const eta = rate > 0 ? Math.ceil((c.total - c.done) / rate) : undefined;
  return `${c.done}/${c.total} rows · ${Math.round(rate)} rows/s · ${c.errors} errors · eta ${eta === undefined ? '?' : `${eta}s`}`;
}

/** A live bar on a terminal; a plain line every few seconds otherwise (cron, CI, log files). */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  intervalMs = 5000,
  terminal?: TerminalOutput,
): Progress {
  const c: Counter = { total: 0, done: 0, errors: 0, startedAt: Date.now() };
  if (stream.isTTY) {
    const bars = new cliProgress.MultiBar(
      { stream, format: '{bar} {value}/{total} rows · {rate} rows/s · {errors} errors · eta {eta}s', hideCursor: true, etaBuffer: 200, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let bar: cliProgress.SingleBar | undefined;
    return {
      begin(total) {
        c.total = total;
        c.startedAt = Date.now();
        bar = bars.create(total, 0, { rate: 0, errors: 0 });
        terminal?.attach({ log: (text) => bars.log(text) });
      },
      row(outcome) {
        c.done += 1;
        if (PROBLEMS.has(outcome)) c.errors += 1;
        const rate = Math.round(c.done / Math.max((Date.now() - c.startedAt) / 1000, 0.001));
        bar?.update(c.done, { rate, errors: c.errors });
      },
      end() {
        if (!bar) return;
        bars.update();
        bars.stop();
        bar = undefined;
        terminal?.attach(undefined);
      },
    };
  }
  let timer: NodeJS.Timeout | undefined;
  return {
    begin(total) {
      c.total = total;
      c.startedAt = Date.now();
      timer = setInterval(() => stream.write(`${progressLine(c)}\n`), intervalMs);
      timer.unref();
    },
    row(outcome) {
      c.done += 1;
      if (PROBLEMS.has(outcome)) c.errors += 1;
    },
    end() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      stream.write(`${progressLine(c)}\n`);
    },
  };
}
