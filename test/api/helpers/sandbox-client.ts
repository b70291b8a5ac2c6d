/** The real sandbox over loopback, and clients pointed at it. */
import { startSandbox } from '../../../src/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../../src/sandbox/sandbox-types.js';
import { createApiClient, type ApiClient, type ApiClientOptions, type CreateInvoiceRequest } from '../../../src/api/index.js';

export interface SandboxHarness {
  sandbox: Sandbox;
  /** A client on the sandbox's credentials; closed by `close()`. */
  client(extra?: Partial<ApiClientOptions>): ApiClient;
  close(): Promise<void>;
}

export async function startHarness(opts: SandboxOptions = {}): Promise<SandboxHarness> {
  const sandbox = await startSandbox(opts);
  const clients: ApiClient[] = [];
  return {
    sandbox,
    client(extra = {}) {
      const c = createApiClient({ baseUrl: sandbox.url, ...sandbox.credentials, ...extra });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await sandbox.close();
    },
  };
}

let counter = 0;
/** A valid create request for the sandbox's `test_usd`, under a fresh reference id. */
export function testUsdInvoice(overrides: Partial<CreateInvoiceRequest> = {}): CreateInvoiceRequest {
  counter += 1;
  return {
    referenceId: `api-test-${process.pid}-${counter}`,
    service: 'test_usd',
    currency: 'USD',
    amount: '12.34',
    fields: { account: '12345' },
    ...overrides,
  };
}
