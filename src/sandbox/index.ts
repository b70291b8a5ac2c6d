/** The embedded MilkyPay sandbox: a real HTTP server on loopback emulating the Payouts API. */
import type { AddressInfo } from 'node:net';
import { Catalogue } from './catalogue.js';
import { createCounters, resetCounters } from './counters.js';
import { FaultEngine } from './faults.js';
import { InvoiceStore } from './invoices.js';
import { createSandboxServer } from './server.js';
import type { Faults, Sandbox, SandboxCredentials, SandboxOptions } from './sandbox-types.js';

export type * from './sandbox-types.js';

export const TEST_CREDENTIALS: SandboxCredentials = {
  publicKey: 'pk_test_sandbox0000000000000000000000000000',
  keyId: 'sandbox_key_id',
  secretKey: 'sk_test_sandbox_secret_do_not_use_live',
};

export const LIVE_CREDENTIALS: SandboxCredentials = {
  ...TEST_CREDENTIALS,
  publicKey: 'pk_live_sandbox0000000000000000000000000000',
};

let sharedCatalogue: Catalogue | undefined;

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const testMode = opts.testMode ?? true;
  const seed = opts.seed ?? 1;
  const credentials = { ...(testMode ? TEST_CREDENTIALS : LIVE_CREDENTIALS) };
  const counters = createCounters();
  const storeOptions = { seed, testMode, processDelayMs: Math.max(0, opts.processDelayMs ?? 0), ...(opts.now ? { now: opts.now } : {}) };
  const store = new InvoiceStore(storeOptions);
  const faults = new FaultEngine(opts.faults, seed);
  const pageSize = opts.servicesPageSize;
  const ctx = {
    catalogue: (sharedCatalogue ??= new Catalogue()),
    store,
    counters,
    credentials,
    testMode,
    servicesPageSize: pageSize !== undefined && Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, 100) : 20,
  };
  // The same URL and keys answering as another mode: what a cached mode would miss.
  const setLiveMode = (live: boolean): void => {
    ctx.testMode = !live;
    storeOptions.testMode = !live;
  };
  const { server, cancelTimers } = createSandboxServer(ctx, faults, setLiveMode);

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/api`,
    port,
    credentials,
    counters,
    setFaults: (next: Faults) => faults.set(next),
    setLiveMode,
    invoices: () =>
      store.all().map((r) => ({
        id: r.id,
        referenceId: r.referenceId,
        service: r.service.spec.code,
        currency: r.currency,
        amount: r.amount.toFixed(r.digits),
        status: r.status,
        resolution: r.resolution,
        customer: r.received.customer,
        metadata: r.metadata,
        context: r.received.context,
        options: r.received.options,
      })),
    resetCounters: () => resetCounters(counters),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        cancelTimers();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
