import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiClient, type ApiClient } from '../../src/api/index.js';
import { learnAccount } from '../../src/guards/account.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/sandbox-types.js';

let sandbox: Sandbox | undefined;
let api: ApiClient | undefined;
afterEach(async () => {
  api?.close();
  await sandbox?.close();
  sandbox = api = undefined;
});

async function connect(options: Parameters<typeof startSandbox>[0]): Promise<{ sandbox: Sandbox; api: ApiClient; target: { apiUrl: string; publicKey: string; keyId: string } }> {
  sandbox = await startSandbox({ port: 0, ...options });
  api = createApiClient({ baseUrl: sandbox.url, ...sandbox.credentials, retryLimit: 0 });
  return { sandbox, api, target: { apiUrl: sandbox.url, publicKey: sandbox.credentials.publicKey, keyId: sandbox.credentials.keyId } };
}

describe('the account and its mode, asked before the first create', () => {
  it('takes one round trip: the pre-request goes out while the page of services is still on its way', async () => {
    // The sandbox holds the page's answer; the pre-request must reach it meanwhile.
    const s = await connect({ faults: { script: [{ endpoint: 'listServices', kind: 'delay', delayMs: 600_000 }] } });
    const learning = learnAccount(s.api, s.target);
    learning.catch(() => undefined);
    await vi.waitFor(() => expect(s.sandbox.counters.requests.prerequest).toBe(1), { timeout: 30_000, interval: 5 });
    expect(s.sandbox.counters.requests.listServices).toBe(1);
  });

  it('asks for the first service currency the page names, once; test mode when both calls say so', async () => {
    const s = await connect({});
    await expect(learnAccount(s.api, s.target)).resolves.toEqual({ origin: new URL(s.sandbox.url).origin, keyId: s.target.keyId, mode: 'test' });
    expect(s.sandbox.counters.requests).toMatchObject({ listServices: 1, prerequest: 1 });
  });

  it('refused private credentials are what it reports, even when the public key is refused too', async () => {
    const s = await connect({});
    const wrong = createApiClient({ baseUrl: s.sandbox.url, publicKey: 'pk_test_wrong', keyId: s.target.keyId, secretKey: 'sk_test_wrong', retryLimit: 0 });
    try {
      await expect(learnAccount(wrong, { ...s.target, publicKey: 'pk_test_wrong' })).rejects.toThrow(/MILKYPAY_KEY_ID and MILKYPAY_SECRET_KEY/);
    } finally {
      wrong.close();
    }
  });
});
