import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { runMain } from '../../src/cli.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/sandbox-types.js';
import { FAST_DELAYS } from './fast-delays.js';

export const CLI = resolve(import.meta.dirname, '../../dist/cli.js');

/** A temp directory with its own sandbox: what a real operator's machine looks like, on loopback. */
export interface Workspace {
  dir: string;
  sandbox: Sandbox;
  env: NodeJS.ProcessEnv;
  path(name: string): string;
  write(name: string, text: string): Promise<string>;
  results(name?: string): Promise<Record<string, string>[]>;
  journalLines(name?: string): Promise<Record<string, unknown>[]>;
  /** `milkypay-payouts <args>` in this process (`runMain`), in the workspace folder, retrying and polling on milliseconds. */
  cli(args: string[], opts?: { env?: NodeJS.ProcessEnv; stdin?: string }): Promise<CliResult>;
  /** The built CLI as a child process: for what only a process shows (signals, SIGKILL, TTY). */
  spawnCli(args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  close(): Promise<void>;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export async function workspace(options: SandboxOptions = {}): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-test-'));
  const sandbox = await startSandbox({ port: 0, ...options });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    MILKYPAY_API_URL: sandbox.url,
    MILKYPAY_PUBLIC_KEY: sandbox.credentials.publicKey,
    MILKYPAY_KEY_ID: sandbox.credentials.keyId,
    MILKYPAY_SECRET_KEY: sandbox.credentials.secretKey,
    MILKYPAY_CACHE_DIR: join(dir, 'cache'),
  };
  const path = (name: string): string => join(dir, name);
  const spawnCli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess =>
    spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
  return {
    dir,
    sandbox,
    env,
    path,
    async write(name, text) {
      await writeFile(path(name), text);
      return path(name);
    },
    async results(name = 'payouts.results.csv') {
      return parse(await readFile(path(name)), { columns: true, bom: true }) as Record<string, string>[];
    },
    async journalLines(name = 'payouts.journal.jsonl') {
      const text = await readFile(path(name), 'utf8');
      return text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    async cli(args, opts = {}) {
      const stdout = new TextSink();
      const stderr = new TextSink();
      const code = await runMain(args, {
        stdout,
        stderr,
        stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
        env: { ...env, ...opts.env },
        cwd: dir,
        delays: FAST_DELAYS,
      });
      return { code, signal: null, stdout: stdout.text, stderr: stderr.text };
    },
    spawnCli: (args, extraEnv) => spawnCli(args, extraEnv),
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A stream that keeps what is written to it, synchronously. */
class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export function collect(child: ChildProcess, stdin?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (stdin !== undefined) child.stdin?.end(stdin);
  else child.stdin?.end();
  return new Promise((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** CSV text from a header and rows (cells joined as given; quote them yourself when needed). */
export function csv(header: string[], rows: string[][], eol = '\n', delimiter = ','): string {
  return [header, ...rows].map((r) => r.join(delimiter)).join(eol) + eol;
}

export const HEADER = ['reference_id', 'service', 'currency', 'amount', 'fields.account'];

export function rows(count: number, prefix = 'ref'): string[][] {
  return Array.from({ length: count }, (_, i) => [`${prefix}-${i + 1}`, 'test_usd', 'USD', `${(i % 50) + 1}.25`, String(100000 + i)]);
}
