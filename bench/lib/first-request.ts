/**
 * Start-up to first request: a TCP relay in this process, in front of the sandbox process,
 * notes when the first bytes of a request line it is waiting for arrive; the clock starts just
 * before the product's process is spawned.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';

export interface Relay {
  /** The sandbox URL with the relay's port. */
  url: string;
  /** Resolves with performance.now() when a request starting with `requestLine` arrives, and calls `onSeen` then. */
  next(requestLine: string, onSeen?: () => void): Promise<number>;
  close(): Promise<void>;
}

export async function startRelay(target: string): Promise<Relay> {
  const upstream = new URL(target);
  let waiting: { line: string; resolve: (at: number) => void; onSeen?: () => void } | undefined;
  const server: Server = createServer((socket) => {
    const out = connect(Number(upstream.port), upstream.hostname);
    socket.on('data', (chunk: Buffer) => {
      const at = performance.now();
      if (waiting && chunk.toString('latin1', 0, waiting.line.length) === waiting.line) {
        waiting.onSeen?.();
        waiting.resolve(at);
        waiting = undefined;
      }
      out.write(chunk);
    });
    out.pipe(socket);
    socket.on('error', () => out.destroy());
    out.on('error', () => socket.destroy());
    socket.on('close', () => out.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(target);
  url.port = String(port);
  return {
    url: url.toString().replace(/\/$/, ''),
    next: (line, onSeen) => new Promise((resolve) => (waiting = { line, resolve, ...(onSeen ? { onSeen } : {}) })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface TimeToRequest {
  /** Wall milliseconds from spawning to the relay seeing the request (undefined if it never came). */
  ms: number | undefined;
  /** CPU milliseconds the process had used by then (user + system, /proc, 10 ms ticks): load-independent. */
  cpuMs: number | undefined;
  code: number | null;
}

/** Spawns `node args…` and times it to the relay seeing `requestLine`. */
export async function timeToRequest(relay: Relay, args: string[], env: NodeJS.ProcessEnv, requestLine: string, cwd?: string): Promise<TimeToRequest> {
  let seen: number | undefined;
  let cpuMs: number | undefined;
  let pid: number | undefined;
  const seenP = relay.next(requestLine, () => (cpuMs = cpuMsOf(pid))).then((at) => (seen = at));
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'ignore', 'ignore'] });
  pid = child.pid;
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  await Promise.race([seenP, new Promise((r) => setTimeout(r, 50))]);
  return { ms: seen === undefined ? undefined : seen - started, cpuMs, code };
}

function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Milliseconds from spawning `node args…` to its exit. */
export async function timeToExit(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
  await new Promise((resolve) => child.on('close', resolve));
  return performance.now() - started;
}
