import { cpus, loadavg, totalmem } from 'node:os';

/** One line: cores, Node, and the load average (other work on the machine skews every figure). */
export function machine(load0: number[], startedAt: Date): string {
  const cpu = cpus();
  return (
    `Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `Node ${process.version}, ${process.platform}/${process.arch}. Load average at start: ${load0.map((l) => l.toFixed(2)).join(' ')}; ` +
    `at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}. Started ${startedAt.toISOString()}.`
  );
}
