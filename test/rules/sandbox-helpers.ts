import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '../../src/api/index.js';
import { rulesSource } from '../../src/api/rules-source.js';
import type { ApiClient } from '../../src/api/client-types.js';
import type { RulesSource } from '../../src/rules/book.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export interface Harness {
  sandbox: Sandbox;
  client: ApiClient;
  /** The client as the rules book reads it. */
  source: RulesSource;
  cacheDir: string;
  close(): Promise<void>;
}

export async function startHarness(opts: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox(opts);
  const client = createApiClient({ baseUrl: sandbox.url, ...sandbox.credentials, retryLimit: 0 });
  return {
    sandbox,
    client,
    source: rulesSource(client),
    cacheDir: join(mkdtempSync(join(tmpdir(), 'payouts-rules-')), 'nested', 'cache'),
    async close() {
      client.close();
      await sandbox.close();
    },
  };
}
