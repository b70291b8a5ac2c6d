import { randomUUID } from 'node:crypto';
import { packageVersion } from '../version.js';

/** What the run asked of the API: every HTTP attempt, those that were tries again, and the 429 answers. */
export interface RequestCounts {
  total: number;
  retries: number;
  rateLimited: number;
}

/** Which run this was and how long it took: every `--json` object and metrics file carries it. */
export interface RunTimes {
  version: string;
  /** A random id, also in every log line of the run: ties the report, the log and the metrics together. */
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  requests: RequestCounts;
}

/** Started when the command starts; counts the requests as they go; `finish` stamps the end. */
export class RunClock {
  readonly runId = randomUUID();
  readonly startedMs = Date.now();
  readonly counts: RequestCounts = { total: 0, retries: 0, rateLimited: 0 };
  /** The command wrote its `--json` object and metrics: `cli.ts` has nothing left to report. */
  reported = false;

  /** Every answer or failure of an HTTP attempt. */
  readonly onResponse = (status: number): void => {
    this.counts.total += 1;
    if (status === 429) this.counts.rateLimited += 1;
  };

  /** A request about to be sent again (the client's own retry, or a payout step tried again). */
  readonly onRetry = (): void => {
    this.counts.retries += 1;
  };

  finish(now = Date.now()): RunTimes {
    return {
      version: packageVersion(),
      runId: this.runId,
      startedAt: new Date(this.startedMs).toISOString(),
      finishedAt: new Date(now).toISOString(),
      durationMs: now - this.startedMs,
      requests: { ...this.counts },
    };
  }
}
