/** The python3 the naive pool runs on, resolved once (a pyenv shim would add its own start-up to every run's CPU). */
import { spawnSync } from 'node:child_process';

let found: string | null | undefined;

/** The interpreter's own path, or null when there is no python3 (the naive pool is then skipped, with a note). */
export function python3(): string | null {
  if (found !== undefined) return found;
  const probe = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  found = probe.status === 0 && probe.stdout.trim() ? probe.stdout.trim() : null;
  return found;
}
