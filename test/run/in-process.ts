import { PassThrough } from 'node:stream';
import { runMain } from '../../src/cli.js';
import type { Workspace } from '../helpers/workspace.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `milkypay-payouts <args>` run in this process against the workspace's sandbox; file arguments are names in its folder. */
export async function runIn(ws: Workspace, args: string[]): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await runMain(args, { stdout, stderr, env: { ...ws.env, MILKYPAY_PROGRESS_INTERVAL_MS: '60000' }, cwd: ws.dir });
  return { code, stdout: out, stderr: err };
}
