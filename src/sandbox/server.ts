/**
 * The sandbox's HTTP layer (node:http): routing, body reading with a 1 MB cap, fault injection
 * around the handlers, and the JSON answers. Handlers are synchronous, so no two requests ever
 * interleave inside one: a duplicate create always meets the first one's invoice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bump, countersSnapshot } from './counters.js';
import { errorReply, methodNotAllowed, rateLimited } from './error-bodies.js';
import type { FaultEngine } from './faults.js';
import type { ParsedRequest, Reply, SandboxContext } from './handler-context.js';
import { createInvoice, getInvoice, listInvoices, processInvoice } from './handlers-invoices.js';
import { getService, listServices, prerequest } from './handlers-services.js';
import { isJsonObject, parseJson, stringifyJson, type JsonValue } from './json.js';
import { route } from './routes.js';
import { invoiceResource } from './shapes.js';
import type { SandboxEndpoint } from './sandbox-types.js';

const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * `GET /__sandbox/counters`: a read-only view of the counters for tools outside the process (the
 * benchmark counts connections and requests of a child `run`). Loopback tool, so no auth; it is
 * outside `/api` and counts as no request.
 */
const DEBUG_COUNTERS_PATH = '/__sandbox/counters';
/** `POST /__sandbox/live-mode[?live=false]`: the running sandbox answers as live (or test) keys from now on. */
const LIVE_MODE_PATH = '/__sandbox/live-mode';

type Handler = (ctx: SandboxContext, req: ParsedRequest) => Reply;

const HANDLERS: Record<SandboxEndpoint, Handler> = {
  prerequest,
  listServices,
  getService,
  create: createInvoice,
  process: processInvoice,
  getInvoice,
  listInvoices,
};

export interface SandboxServer {
  server: Server;
  /** Cancels pending latency timers (their requests are abandoned). */
  cancelTimers(): void;
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const text = stringifyJson(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

/** JSON of a debug view (plain numbers, no decimals to keep exact). */
function sendPlainJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A dropped connection as a client sees it: the socket closes and no byte of an answer comes. */
function drop(req: IncomingMessage): void {
  req.socket.destroy();
}

/** The body text, or undefined when it is larger than the cap. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function referenceOf(
  ctx: SandboxContext,
  endpoint: SandboxEndpoint,
  id: string | undefined,
  body: JsonValue | undefined,
  query: URLSearchParams,
): string | undefined {
  if (endpoint === 'create') {
    const data = isJsonObject(body) ? body['data'] : undefined;
    const attrs = isJsonObject(data) ? data['attributes'] : undefined;
    const ref = isJsonObject(attrs) ? attrs['reference_id'] : undefined;
    return typeof ref === 'string' ? ref : undefined;
  }
  if ((endpoint === 'process' || endpoint === 'getInvoice') && id !== undefined) return ctx.store.get(id)?.referenceId;
  if (endpoint === 'listInvoices') return query.get('filter[reference_id]') ?? undefined;
  return undefined;
}

/**
 * A successful invoice answer carrying another invoice instead (`replyWith`'s, or the newest of
 * another reference than `referenceId`); the answer as it was when there is no such invoice.
 */
function foreignReply(ctx: SandboxContext, reply: Reply, endpoint: SandboxEndpoint, referenceId: string | undefined, replyWith: string | undefined): Reply {
  if (reply.status >= 300) return reply;
  const all = ctx.store.all();
  const other =
    replyWith !== undefined
      ? ctx.store.findByReference(replyWith)
      : all.reverse().find((r) => r.referenceId !== referenceId);
  if (!other) return reply;
  if (endpoint === 'listInvoices') {
    const data = [invoiceResource(other, { callbackLogs: false })];
    return { ...reply, body: { meta: { count: 1, size: 1, before: other.id, after: other.id }, links: { prev: '', next: '' }, data } };
  }
  return { ...reply, body: { data: invoiceResource(other, { callbackLogs: true }) } };
}

/** The debug endpoints (counters, live-mode switch); false for every other path. */
function debugEndpoint(path: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse, ctx: SandboxContext, setLiveMode: (live: boolean) => void): boolean {
  if (path === DEBUG_COUNTERS_PATH) {
    if (req.method !== 'GET') send(res, methodNotAllowed('GET'));
    else sendPlainJson(res, countersSnapshot(ctx.counters));
    return true;
  }
  if (path !== LIVE_MODE_PATH) return false;
  if (req.method !== 'POST') {
    send(res, methodNotAllowed('POST'));
    return true;
  }
  const live = query.get('live') !== 'false';
  setLiveMode(live);
  sendPlainJson(res, { test_mode: !live });
  return true;
}

/** The body as JSON; `malformed` when it is text that does not parse (an empty body is none). */
function parseBody(text: string): { body?: JsonValue; malformed: boolean } {
  if (text.trim() === '') return { malformed: false };
  try {
    return { body: parseJson(text), malformed: false };
  } catch {
    return { malformed: true };
  }
}

/** Counts each create and process request a reference received. */
function countRequest(ctx: SandboxContext, endpoint: SandboxEndpoint, referenceId: string | undefined): void {
  if (referenceId !== undefined && endpoint === 'create') bump(ctx.counters.createRequests, referenceId);
  if (referenceId !== undefined && endpoint === 'process') bump(ctx.counters.processRequests, referenceId);
}

/** Timers the sandbox may cancel when it closes (their requests are abandoned). */
class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.add(timer);
    });
  }

  cancel(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

export function createSandboxServer(ctx: SandboxContext, faults: FaultEngine, setLiveMode: (live: boolean) => void): SandboxServer {
  const timers = new Timers();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    if (debugEndpoint(path, query, req, res, ctx, setLiveMode)) return;
    const found = route(req.method ?? 'GET', path);
    if (found.kind === 'not-found') return send(res, errorReply(404));
    if (found.kind === 'method-not-allowed') return send(res, methodNotAllowed(found.allow));
    const { endpoint, id } = found;
    ctx.counters.requests[endpoint] += 1;

    const text = await readBody(req);
    if (text === undefined) return send(res, { ...errorReply(413), headers: { Connection: 'close' } });
    const { body, malformed } = parseBody(text);
    const referenceId = referenceOf(ctx, endpoint, id, body, query);
    countRequest(ctx, endpoint, referenceId);

    const action = faults.decide(endpoint, referenceId);
    // Latency counts from the request's arrival, like a real API's: the time spent reading and
    // parsing the body is part of it, not added on top.
    const latency = faults.latencyMs - (performance.now() - arrived);
    if (faults.latencyMs > 0 && latency > 0) await timers.sleep(latency);
    if (action.kind !== 'none') ctx.counters.faultsInjected[action.kind] = (ctx.counters.faultsInjected[action.kind] ?? 0) + 1;
    switch (action.kind) {
      case 'drop':
        return drop(req);
      case 'status':
        return send(res, errorReply(action.status));
      case 'rate-limit':
        return send(res, rateLimited(action.retryAfterSeconds));
      case 'delay':
        await timers.sleep(action.delayMs);
        break;
      default:
        break;
    }

    // The work is done even when the client has gone meanwhile: a timed-out create may have committed.
    const reply = malformed
      ? errorReply(400, 'invalid_json', 'The request body is not valid JSON.')
      : HANDLERS[endpoint](ctx, { endpoint, ...(id !== undefined ? { id } : {}), query, body, authorization: req.headers.authorization });
    if (action.kind === 'commit-then-500') return send(res, errorReply(500));
    if (action.kind === 'commit-then-drop') return drop(req);
    if (action.kind === 'commit-then-429') return send(res, rateLimited(action.retryAfterSeconds));
    if (action.kind === 'foreign-reply') return send(res, foreignReply(ctx, reply, endpoint, referenceId, action.replyWith));
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, errorReply(500));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', () => {
    ctx.counters.connections += 1;
  });
  return { server, cancelTimers: () => timers.cancel() };
}
