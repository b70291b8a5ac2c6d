/** What the endpoint handlers share: the sandbox state, the parsed request, the reply, auth. */
import type { Catalogue } from './catalogue.js';
import type { InvoiceStore } from './invoices.js';
import type { JsonValue } from './json.js';
import type { SandboxCounters, SandboxCredentials, SandboxEndpoint } from './sandbox-types.js';

export interface SandboxContext {
  catalogue: Catalogue;
  store: InvoiceStore;
  counters: SandboxCounters;
  credentials: SandboxCredentials;
  testMode: boolean;
  servicesPageSize: number;
}

export interface ParsedRequest {
  endpoint: SandboxEndpoint;
  id?: string;
  query: URLSearchParams;
  /** Undefined for requests without a body. */
  body: JsonValue | undefined;
  authorization: string | undefined;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** `private` for the right BasicAuth, `bad` for any other Authorization header, `none` without one. */
export function privateAuth(authorization: string | undefined, credentials: SandboxCredentials): 'private' | 'bad' | 'none' {
  if (authorization === undefined) return 'none';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!m?.[1]) return 'bad';
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'bad';
  const ok = decoded.slice(0, colon) === credentials.keyId && decoded.slice(colon + 1) === credentials.secretKey;
  return ok ? 'private' : 'bad';
}

export const MAX_PAGE_SIZE = 100;

/** A positive integer query parameter: the fallback when absent, capped at `max`, or `invalid`. */
export function pageParam(value: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER): number | 'invalid' {
  if (value === null || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value)) return 'invalid';
  const n = Number(value);
  return n < 1 ? 'invalid' : Math.min(n, max);
}
