import { PassThrough, Writable } from 'node:stream';
import { runMain } from '../../src/cli.js';
import type { Io } from '../../src/wiring.js';
import { FAST_DELAYS } from './fast-delays.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Pretend stdin and stderr are a terminal; `answer` is typed at the first prompt (none: stdin ends). */
  tty?: { answer?: string };
  invokedAs?: string;
}

/** Runs the CLI in this process (`runMain`) with its own stdout, stderr and stdin, retrying and polling on milliseconds. */
export async function runCli(argv: string[], opts: InProcessOptions): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const stdin = Object.assign(new PassThrough(), { isTTY: Boolean(opts.tty) });
  let prompted = false;
  const err = Object.assign(
    sink((s) => {
      stderr += s;
      // Typed once the prompt is on screen, like a person would (no answer: end of input).
      if (!opts.tty || prompted || !stderr.includes('Type "yes"')) return;
      prompted = true;
      const answer = opts.tty.answer;
      // A control character (Ctrl-C: \u0003) is a key press, sent as is.
      setImmediate(() => (answer === undefined ? stdin.end() : stdin.write(/^[\u0000-\u001f]$/.test(answer) ? answer : `${answer}\n`)));
    }),
    { isTTY: Boolean(opts.tty), columns: 100 },
  );
  if (!opts.tty) stdin.end();
  const io: Io = {
    stdout: sink((s) => (stdout += s)),
    stderr: err,
    stdin,
    env: opts.env,
    cwd: opts.cwd,
    delays: FAST_DELAYS,
    ...(opts.invokedAs ? { invokedAs: opts.invokedAs } : {}),
  };
  const code = await runMain(argv, io);
  stdin.end();
  return { code, stdout, stderr };
}
