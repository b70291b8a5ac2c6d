import { Writable } from 'node:stream';
import { runMain } from '../../src/cli.js';
import type { Workspace } from './workspace.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (`runMain`) against the workspace's sandbox, in its folder. */
export async function runInProcess(ws: Workspace, args: string[], env: NodeJS.ProcessEnv = {}): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const code = await runMain(args, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    env: { ...ws.env, ...env },
    cwd: ws.dir,
  });
  return { code, stdout, stderr };
}
