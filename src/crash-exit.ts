import { serializeError } from './serialize-error.js';

/** What the handlers need of `process`: tests hand in their own. */
export interface CrashTarget {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  exit(code: number): never | void;
}

/** Told just before the process exits 3 on a crash (e.g. to write the metrics file): synchronous, best effort. */
export type LastWords = (error: unknown) => void;

let lastWords: LastWords | undefined;

/** What the running command leaves behind if the process crashes (its report); `undefined` when it is done. */
export function atCrash(words: LastWords | undefined): void {
  lastWords = words;
}

/**
 * An error nothing caught (a throw in a callback, a promise nobody awaited) is logged on stderr and
 * ends the process with 3, "incomplete: rerun", never Node's default 1 ("a person is needed"):
 * the journal is written before every step, so a rerun resumes as after `kill -9`.
 */
export function exitThreeOnCrash(target: CrashTarget, stderr: Pick<NodeJS.WritableStream, 'write'>): void {
  let crashed = false;
  const onCrash = (kind: string) => (error: unknown): void => {
    if (crashed) return; // a second failure while exiting changes nothing
    crashed = true;
    const line = { level: 60, time: Date.now(), name: 'milkypay-payouts', kind, err: serializeError(error), exitCode: 3, msg: `unexpected failure (${kind}): the run is incomplete; rerun the same command (the journal resumes and never pays a row twice)` };
    try {
      stderr.write(`${JSON.stringify(line)}\n`);
      lastWords?.(error);
    } finally {
      target.exit(3);
    }
  };
  target.on('uncaughtException', onCrash('uncaught exception'));
  target.on('unhandledRejection', onCrash('unhandled rejection'));
}
