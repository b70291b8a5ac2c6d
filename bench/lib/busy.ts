/** The load of the "loaded" throughput table: CPU-burning loops in their own processes, stopped by their pids. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface BusyLoops {
  count: number;
  stop(): Promise<void>;
}

export function startBusyLoops(count: number): BusyLoops {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return {
    count,
    stop: () =>
      Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      ).then(() => undefined),
  };
}
