/**
 * Start-up: process start -> first create seen by a sandbox in another process (a 3-row file,
 * rules cache cold and warm, alternating), with the CPU the process had used by then, and
 * `--help` to exit. Wall times move with the machine's load; the CPU figure much less.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, median, table } from './format.js';
import { startRelay, timeToExit, timeToRequest } from './first-request.js';
import { startSandboxProcess } from './sandbox.js';

export async function startupSection(times: number): Promise<string> {
  say(`start-up, ${times} rounds`);
  const dir = mkdtempSync(join(tmpdir(), 'milkypay-startup-'));
  const sandbox = await startSandboxProcess(CLI, 0);
  const relay = await startRelay(sandbox.url);
  const figures = { warm: [] as number[], warmCpu: [] as number[], cold: [] as number[], coldCpu: [] as number[], help: [] as number[] };
  const loads: number[] = [];
  try {
    const env = { PATH: process.env['PATH'], HOME: process.env['HOME'], ...sandbox.env, MILKYPAY_API_URL: relay.url, MILKYPAY_CACHE_DIR: join(dir, 'cache'), MILKYPAY_LEDGER_DIR: join(dir, 'ledger') };
    for (let i = 0; i < times; i++) {
      loads.push(loadavg()[0]!);
      for (const kind of ['cold', 'warm'] as const) {
        const file = join(dir, `p-${kind}-${i}.csv`);
        await writePayouts(file, 3, `startup-${process.pid}-${kind}-${i}-`);
        if (kind === 'cold') rmSync(join(dir, 'cache'), { recursive: true, force: true });
        const r = await timeToRequest(relay, [CLI, 'run', file, '--log-level', 'warn'], env, 'POST /api/payout-invoices ', dir);
        if (r.ms !== undefined) figures[kind].push(r.ms);
        if (r.cpuMs !== undefined) figures[kind === 'cold' ? 'coldCpu' : 'warmCpu'].push(r.cpuMs);
      }
      figures.help.push(await timeToExit([CLI, '--help'], env));
    }
  } finally {
    await relay.close();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (what: string, xs: number[], target: string): string[] =>
    xs.length ? [what, fixed(median(xs)), fixed(Math.min(...xs)), fixed(Math.max(...xs)), String(xs.length), target] : [what, 'n/a', '', '', '0', target];
  return (
    `## 2. Start-up (sandbox at latency 0 in its own process; a 3-row file; load (1 min) at each round: ${loads.map((l) => fixed(l, 1)).join(', ')})\n\n` +
    table(['what', 'median ms', 'min', 'max', 'runs', 'target'], [
      row('process start → first create, rules cache warm (wall)', figures.warm, '≤ 200 ms'),
      row('  CPU used by then (user + system)', figures.warmCpu, ''),
      row('process start → first create, rules cache cold (wall)', figures.cold, ''),
      row('  CPU used by then (user + system)', figures.coldCpu, ''),
      row('`--help` to exit (wall)', figures.help, '≤ 150 ms'),
    ])
  );
}
