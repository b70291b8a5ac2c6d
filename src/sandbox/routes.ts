/** Method + path -> endpoint. Pure. */
import type { SandboxEndpoint } from './sandbox-types.js';

export type RouteResult =
  | { kind: 'endpoint'; endpoint: SandboxEndpoint; id?: string }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string };

interface Pattern {
  match: RegExp;
  methods: Partial<Record<string, SandboxEndpoint>>;
}

const ID = '([^/]+)';

const PATTERNS: Pattern[] = [
  { match: /^\/api\/payout-prerequest$/, methods: { POST: 'prerequest' } },
  { match: /^\/api\/payout-services$/, methods: { GET: 'listServices' } },
  { match: new RegExp(`^/api/payout-services/${ID}$`), methods: { GET: 'getService' } },
  { match: /^\/api\/payout-invoices$/, methods: { GET: 'listInvoices', POST: 'create' } },
  { match: new RegExp(`^/api/payout-invoices/${ID}$`), methods: { GET: 'getInvoice' } },
  { match: new RegExp(`^/api/payout-invoices/${ID}/process$`), methods: { POST: 'process' } },
];

export function route(method: string, path: string): RouteResult {
  for (const pattern of PATTERNS) {
    const m = pattern.match.exec(path);
    if (!m) continue;
    const endpoint = pattern.methods[method];
    if (!endpoint) return { kind: 'method-not-allowed', allow: Object.keys(pattern.methods).join(', ') };
    const raw = m[1];
    if (raw === undefined) return { kind: 'endpoint', endpoint };
    let id: string;
    try {
      id = decodeURIComponent(raw);
    } catch {
      return { kind: 'not-found' };
    }
    return { kind: 'endpoint', endpoint, id };
  }
  return { kind: 'not-found' };
}
