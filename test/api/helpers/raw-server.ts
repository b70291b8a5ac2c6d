/**
 * A bare node:http server for faults the sandbox cannot stage exactly (a body that never ends,
 * a non-JSON 200, an exact Retry-After date). Records every request it receives.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Answer = (req: RecordedRequest, res: http.ServerResponse) => void;

export interface RawServer {
  /** Base URL up to and including `/api`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted so far, and the most open at once. */
  connections: { accepted: number; open: number; mostOpen: number };
  /** Answers used in order; the last one repeats. */
  answer(...answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startRawServer(): Promise<RawServer> {
  const requests: RecordedRequest[] = [];
  let answers: Answer[] = [json(200, {})];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(recorded);
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)] ?? json(200, {});
      answer(recorded, res);
    });
  });
  const connections = { accepted: 0, open: 0, mostOpen: 0 };
  server.on('connection', (socket) => {
    connections.accepted += 1;
    connections.open += 1;
    connections.mostOpen = Math.max(connections.mostOpen, connections.open);
    socket.on('close', () => (connections.open -= 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    port,
    requests,
    connections,
    answer(...next) {
      answers = next;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

export function text(status: number, body: string): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(body);
  };
}

/** Destroys the socket without answering. */
export const drop: Answer = (_req, res) => {
  res.socket?.destroy();
};

/** Sends the headers and part of a body, then never finishes. */
export const stall: Answer = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"data":');
};

/** Sends the headers, then one byte every `everyMs`, forever: never idle long, never complete. */
export function drip(everyMs: number): Answer {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), everyMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** Answers `answer` after `ms`. */
export function after(ms: number, answer: Answer): Answer {
  return (req, res) => void setTimeout(() => answer(req, res), ms);
}

/** A JSON body written exactly as given (number literals JSON.stringify cannot produce). */
export function jsonText(status: number, body: string): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
}
