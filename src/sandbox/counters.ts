import type { SandboxCounters, SandboxEndpoint } from './sandbox-types.js';

const ENDPOINTS: readonly SandboxEndpoint[] = [
  'prerequest',
  'listServices',
  'getService',
  'create',
  'process',
  'getInvoice',
  'listInvoices',
];

function zeroRequests(): Record<SandboxEndpoint, number> {
  return Object.fromEntries(ENDPOINTS.map((e) => [e, 0])) as Record<SandboxEndpoint, number>;
}

export function createCounters(): SandboxCounters {
  return {
    requests: zeroRequests(),
    connections: 0,
    createRequests: new Map(),
    invoicesCreated: new Map(),
    processRequests: new Map(),
    processed: new Map(),
    faultsInjected: {},
  };
}

/** Zeroes the counters in place, so references callers hold stay live. */
export function resetCounters(c: SandboxCounters): void {
  for (const e of ENDPOINTS) c.requests[e] = 0;
  c.connections = 0;
  c.createRequests.clear();
  c.invoicesCreated.clear();
  c.processRequests.clear();
  c.processed.clear();
  for (const key of Object.keys(c.faultsInjected)) delete c.faultsInjected[key];
}

export function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
