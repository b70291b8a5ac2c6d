import type { SandboxCounters, SandboxEndpoint } from './sandbox-types.js';

const ENDPOINTS: readonly SandboxEndpoint[] = ['prerequest', 'listServices', 'getService', 'create', 'process', 'getInvoice', 'listInvoices'];

export function createCounters(): SandboxCounters {
  return {
    requests: Object.fromEntries(ENDPOINTS.map((e) => [e, 0])) as Record<SandboxEndpoint, number>,
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

/** The counters as plain JSON (`GET /__sandbox/counters`): Maps become objects keyed by reference_id. */
export function countersSnapshot(c: SandboxCounters): Record<string, number | Record<string, number>> {
  return {
    requests: { ...c.requests },
    connections: c.connections,
    createRequests: Object.fromEntries(c.createRequests),
    invoicesCreated: Object.fromEntries(c.invoicesCreated),
    processRequests: Object.fromEntries(c.processRequests),
    processed: Object.fromEntries(c.processed),
    faultsInjected: { ...c.faultsInjected },
  };
}
