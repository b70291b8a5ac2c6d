/** Runs a child process and measures it: wall time, peak RSS, exit code, its output. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  code: number | null;
  wallMs: number;
  /** Peak resident set size in MB (GNU time's %M, else VmHWM polled from /proc). */
  peakRssMb: number | undefined;
  /** User + system CPU seconds (GNU time only). */
  cpuSeconds: number | undefined;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';
export const rssMethod = existsSync(GNU_TIME) ? 'GNU time %M' : '/proc/<pid>/status VmHWM (polled)';

let counter = 0;

export function measure(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Measured> {
  const rssFile = join(tmpdir(), `bench-rss-${process.pid}-${counter++}`);
  const useTime = existsSync(GNU_TIME);
  const [cmd, argv] = useTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let polledKb = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-200_000)));
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) polledKb = Math.max(polledKb, Number(m[1]));
          } catch {
            /* exited */
          }
        }, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (poll) clearInterval(poll);
      let peakKb = polledKb;
      let cpuSeconds: number | undefined;
      if (useTime) {
        try {
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          const [rss, user, system] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
          peakKb = rss ?? 0;
          cpuSeconds = (user ?? 0) + (system ?? 0);
          rmSync(rssFile, { force: true });
        } catch {
          peakKb = 0;
        }
      }
      resolve({ code, wallMs, peakRssMb: peakKb > 0 ? peakKb / 1024 : undefined, cpuSeconds, stdout, stderr });
    });
  });
}
