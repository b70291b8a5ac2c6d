/** The embedded sandbox's public surface: used by tests, the demo, `--sandbox` and the bench. */

export type SandboxEndpoint =
  | 'prerequest'
  | 'listServices'
  | 'getService'
  | 'create'
  | 'process'
  | 'getInvoice'
  | 'listInvoices';

/** A one-shot fault, consumed the first time a request matches it. */
export interface ScriptedFault {
  endpoint: SandboxEndpoint;
  /** Only requests about this reference (create body, the invoice's reference for process/get, the list's `filter[reference_id]`). */
  referenceId?: string;
  /**
   * - `status`: answer `status` with the doc's error body, no effect.
   * - `commit-then-500`: do the work (create/process), then answer 500.
   * - `commit-then-drop`: do the work, then destroy the socket without answering.
   * - `commit-then-429`: do the work, then answer 429 with `Retry-After: retryAfterSeconds` (default 1),
   *   as the provider documents it: "too many requests or duplicate request detected".
   * - `drop`: destroy the socket without doing anything.
   * - `rate-limit`: answer 429 with `Retry-After: retryAfterSeconds`, no effect.
   * - `delay`: wait `delayMs` before handling normally (for timeouts).
   * - `foreign-reply`: do the work, then answer as usual but with another invoice in the body:
   *   `replyWith`'s invoice, or else the newest invoice of another reference (a mixed-up reply).
   */
  kind: 'status' | 'commit-then-500' | 'commit-then-drop' | 'commit-then-429' | 'drop' | 'rate-limit' | 'delay' | 'foreign-reply';
  /** With `foreign-reply`: the reference whose invoice the answer carries. */
  replyWith?: string;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** How many matching requests it applies to; default 1. */
  times?: number;
}

export interface Faults {
  /** Added to every request, in ms. */
  latencyMs?: number;
  /** Random error answers, e.g. `{ 500: 0.05, 503: 0.02 }`: no effect, the doc's error body. */
  errorRates?: Partial<Record<number, number>>;
  /** Endpoints the random faults apply to; default all. */
  endpoints?: SandboxEndpoint[];
  /** Share of create/process requests that take effect and then fail. */
  commitThenFail?: { rate: number; mode: '500' | 'drop' | '429' };
  /** Share of requests answered 429 with Retry-After. */
  rateLimit?: { rate: number; retryAfterSeconds: number };
  /** Share of requests whose socket is dropped before any effect. */
  dropRate?: number;
  /** Share of invoice answers (create, process, get, list) that carry another reference's invoice, after doing the work. */
  foreignReplyRate?: number;
  script?: ScriptedFault[];
}

export interface SandboxCredentials {
  publicKey: string;
  keyId: string;
  secretKey: string;
}

export interface SandboxOptions {
  port?: number; // default 0 (any free port)
  host?: string; // default 127.0.0.1
  faults?: Faults;
  /** Delay between process and the final status; 0 (default) makes process answer final at once. */
  processDelayMs?: number;
  /** Seed of the random faults and success rates, for repeatable runs; default 1. */
  seed?: number;
  /** false emulates live keys (`test_mode: false`). Default true. */
  testMode?: boolean;
  /** Page size of `/payout-services` when the request names none; default 20. */
  servicesPageSize?: number;
  /** The sandbox's clock (when a delayed process becomes final); default Date.now. Tests move it on instead of waiting. */
  now?: () => number;
}

export interface SandboxCounters {
  /** Requests received, per endpoint (including faulted ones). */
  requests: Record<SandboxEndpoint, number>;
  /** TCP connections accepted since start. */
  connections: number;
  /** Create requests received, per reference_id. */
  createRequests: Map<string, number>;
  /** Invoices actually created, per reference_id (never more than 1: duplicates get 409). */
  invoicesCreated: Map<string, number>;
  /** Process requests received, per reference_id. */
  processRequests: Map<string, number>;
  /** Invoices actually moved out of `created` by a process request, per reference_id. */
  processed: Map<string, number>;
  /** Faults injected so far, by kind. */
  faultsInjected: Record<string, number>;
}

export interface SandboxInvoiceView {
  id: string;
  referenceId: string;
  service: string;
  currency: string;
  amount: string;
  status: string;
  resolution: string;
  /** The create request's nested objects as they reached the sandbox (null when absent). */
  customer: unknown;
  metadata: unknown;
  context: unknown;
  options: unknown;
}

export interface Sandbox {
  /** Base URL up to and including `/api`, e.g. `http://127.0.0.1:40123/api`. */
  url: string;
  port: number;
  credentials: SandboxCredentials;
  counters: SandboxCounters;
  setFaults(faults: Faults): void;
  /** From now on every answer says `test_mode: !live`; the keys stay the same. */
  setLiveMode(live: boolean): void;
  /** Snapshot of every invoice, in creation order. */
  invoices(): SandboxInvoiceView[];
  resetCounters(): void;
  close(): Promise<void>;
}
