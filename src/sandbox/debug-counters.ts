/**
 * `GET /__sandbox/counters`: a read-only view of the counters for tools outside the process (the
 * benchmark counts connections and requests of a child `run`). Loopback tool, so no auth; it is
 * outside `/api` and counts as no request.
 */
import type { SandboxCounters } from './sandbox-types.js';

export const DEBUG_COUNTERS_PATH = '/__sandbox/counters';
/** `POST /__sandbox/live-mode[?live=false]`: the running sandbox answers as live (or test) keys from now on. */
export const LIVE_MODE_PATH = '/__sandbox/live-mode';

/** The counters as plain JSON: Maps become objects keyed by reference_id. */
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
