/** The embedded sandbox in its own process (`dist/cli.js sandbox`), and its debug counters. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

export interface SandboxProcess {
  env: Record<string, string>;
  url: string;
  counters(): Promise<Counters>;
  /** CPU seconds the sandbox process has used so far (from /proc; undefined elsewhere). */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

export interface Counters {
  requests: Record<string, number>;
  connections: number;
}

export async function startSandboxProcess(cli: string, latencyMs: number): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [cli, 'sandbox', '--port', '0', '--latency', String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env = await readEnvLines(child);
  const url = env['MILKYPAY_API_URL']!;
  const origin = new URL(url).origin;
  return {
    env,
    url,
    counters: () => getCounters(`${origin}/__sandbox/counters`),
    cpuSeconds: () => processCpuSeconds(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function readEnvLines(child: ChildProcess): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${text}`)), 15_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      const env: Record<string, string> = {};
      for (const line of text.split('\n')) {
        const m = /^(MILKYPAY_[A-Z_]+)=(.*)$/.exec(line.trim());
        if (m) env[m[1]!] = m[2]!;
      }
      if (env['MILKYPAY_SECRET_KEY'] !== undefined) {
        clearTimeout(timer);
        resolve(env);
      }
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${text}`)));
  });
}

/** A fresh connection (no agent) each time: the counters then count exactly one for this call. */
function getCounters(url: string): Promise<Counters> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          const json = JSON.parse(body) as Counters;
          resolve({ requests: json.requests, connections: json.connections });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** What a child did between two readings (the second reading's own connection taken off). */
export function delta(before: Counters, after: Counters): { connections: number; requests: Record<string, number> } {
  const requests: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.requests)) requests[k] = v - (before.requests[k] ?? 0);
  return { connections: after.connections - before.connections - 1, requests };
}

export const INVOICE_ENDPOINTS = ['create', 'process', 'getInvoice', 'listInvoices'] as const;

/** utime + stime of a process, from /proc/<pid>/stat (in clock ticks of 1/100 s on Linux). */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
