/** Plain-fetch and raw-socket helpers for talking to the sandbox in tests. */
import { connect } from 'node:net';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function open(opts: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox(opts);
}

export function basicAuth(sb: Sandbox): string {
  return `Basic ${Buffer.from(`${sb.credentials.keyId}:${sb.credentials.secretKey}`).toString('base64')}`;
}

/** `path` is relative to the base URL (`/payout-invoices`). Private unless `auth: false`. */
export async function call(
  sb: Sandbox,
  method: string,
  path: string,
  opts: { body?: string; auth?: boolean | string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.auth !== false) headers['authorization'] = typeof opts.auth === 'string' ? opts.auth : basicAuth(sb);
  const res = await fetch(`${sb.url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface InvoiceDraft {
  reference_id?: string;
  service?: string;
  currency?: string;
  /** Written into the JSON text as-is: `"10.10"` becomes the number literal 10.10. */
  amount?: string;
  fields?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The documented create body, with `amount` spliced in as a raw JSON number literal. */
export function createBody(draft: InvoiceDraft): string {
  const { amount, ...rest } = draft;
  const attributes = JSON.stringify(rest);
  const withAmount = amount === undefined ? attributes : `${attributes.slice(0, -1)}${attributes.length > 2 ? ',' : ''}"amount":${amount}}`;
  return `{"data":{"type":"payout-invoice","attributes":${withAmount}}}`;
}

export function testUsd(reference: string, fields: Record<string, string> = {}, amount = '10.00'): InvoiceDraft {
  return { reference_id: reference, service: 'test_usd', currency: 'USD', amount, fields: { account: '12345', ...fields } };
}

export function create(sb: Sandbox, draft: InvoiceDraft): Promise<Answer> {
  return call(sb, 'POST', '/payout-invoices', { body: createBody(draft) });
}

export function processInvoice(sb: Sandbox, id: string): Promise<Answer> {
  return call(sb, 'POST', `/payout-invoices/${id}/process`, { body: '' });
}

/** Creates and returns the invoice id, failing loudly otherwise. */
export async function createOk(sb: Sandbox, draft: InvoiceDraft): Promise<string> {
  const answer = await create(sb, draft);
  if (answer.status !== 201) throw new Error(`create answered ${answer.status}: ${answer.text}`);
  return answer.json.data.id as string;
}

export interface RawExchange {
  /** Every byte the server sent before closing. */
  received: string;
  /** Whether the server closed the socket. */
  closed: boolean;
}

/** Writes `request` on a fresh socket and collects what comes back until close or `waitMs`. */
export function rawExchange(sb: Sandbox, request: string, waitMs = 2000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(sb.port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closed: false });
    }, waitMs);
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closed: true });
    });
    socket.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    socket.write(request);
  });
}

export function rawPost(sb: Sandbox, path: string, body: string, extraHeaders = ''): string {
  return (
    `POST /api${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basicAuth(sb)}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`
  );
}
