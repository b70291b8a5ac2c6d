import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClientOptions, type RetryEvent } from '../../src/api/index.js';
import { credentials } from './helpers/api-fixtures.js';
import { drop, json, stall, startRawServer, type Answer, type RawServer } from './helpers/raw-server.js';

let server: RawServer;
beforeAll(async () => {
  server = await startRawServer();
});
afterAll(() => server.close());

const secrets = [credentials.secretKey, Buffer.from(`${credentials.keyId}:${credentials.secretKey}`).toString('base64')];

function expectNoSecrets(value: unknown): void {
  const renderings = [JSON.stringify(value), inspect(value, { depth: 10, showHidden: true }), String(value), (value as Error).stack ?? ''];
  for (const text of renderings) for (const secret of secrets) expect(text).not.toContain(secret);
}

async function failure(answer: Answer, extra: Partial<ApiClientOptions> = {}) {
  server.answer(answer);
  const retries: RetryEvent[] = [];
  const client = createApiClient({ baseUrl: server.url, ...credentials, retryLimit: 1, timeoutMs: 300, onRetry: (e) => retries.push(e), ...extra });
  try {
    const error = await client.getInvoice('cpoi_1').catch((e: unknown) => e);
    return { error, retries };
  } finally {
    client.close();
  }
}

describe('a thrown ApiError holds no credentials', () => {
  it.each([
    ['an HTTP 500', json(500, { errors: [{ status: 'internal_error', code: '500' }] }, { 'retry-after': '0' })],
    ['a dropped connection', drop],
    ['a timeout', stall],
  ])('after %s', async (_name, answer) => {
    const { error, retries } = await failure(answer);
    expect(error).toMatchObject({ name: 'ApiError' });
    expect(retries).toHaveLength(1);
    expectNoSecrets(error);
    expectNoSecrets(retries);
    expect(Object.prototype.hasOwnProperty.call(error, 'cause')).toBe(false);
  });
});
