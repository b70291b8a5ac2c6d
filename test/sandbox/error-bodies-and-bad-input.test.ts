import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, open, rawExchange, rawPost } from './sandbox-calls.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await open();
});
afterAll(() => sb.close());

describe('the document error bodies', () => {
  it('404 for an unknown route', async () => {
    for (const path of ['/nope', '/payout-invoices/x/y', '/payout-services/a/b']) {
      const answer = await call(sb, 'GET', path);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ errors: [{ status: 'Not Found', code: '404' }] });
    }
    const outside = await fetch(sb.url.replace(/\/api$/, '/other'));
    expect(outside.status).toBe(404);
  });

  it('405 for a wrong method on a known route, naming the allowed ones', async () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/payout-prerequest', 'POST'],
      ['DELETE', '/payout-invoices', 'GET, POST'],
      ['PUT', '/payout-invoices/cpoi_x', 'GET'],
      ['GET', '/payout-invoices/cpoi_x/process', 'POST'],
      ['POST', '/payout-services', 'GET'],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await call(sb, method, path, method === 'GET' ? {} : { body: '{}' });
      expect(answer.status).toBe(405);
      expect(answer.json).toEqual({ errors: [{ status: 'Method Not Allowed', code: '405' }] });
      expect(answer.headers.get('allow')).toBe(allow);
    }
  });

  it('400 invalid_json for malformed JSON on every POST', async () => {
    for (const body of ['{', '{"currency":"USD",}', "{'a':1}", '[1,2', 'nul', '{"a":1} x', '"\\x"']) {
      const answer = await call(sb, 'POST', '/payout-prerequest', { auth: false, body });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        errors: [{ status: 'Bad Request', code: '400', title: 'invalid_json', detail: 'The request body is not valid JSON.' }],
      });
    }
    expect((await call(sb, 'POST', '/payout-invoices/cpoi_x/process', { body: '{' })).status).toBe(400);
  });
});

describe('bad input never crashes or hangs the server', () => {
  it('answers 413 for a body over 1 MB, declared or streamed', async () => {
    const declared = await rawExchange(
      sb,
      `POST /api/payout-invoices HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{"a":`,
    );
    expect(declared.received).toMatch(/^HTTP\/1\.1 413 /);
    expect(declared.received).toContain('"code":"413"');

    const big = JSON.stringify({ currency: 'USD', public_key: 'x'.repeat(1_100_000) });
    const streamed = await call(sb, 'POST', '/payout-prerequest', { auth: false, body: big });
    expect(streamed.status).toBe(413);
    expect(streamed.json.errors[0]).toMatchObject({ code: '413', title: 'payload_too_large' });
  });

  it('survives deep nesting, odd encodings and binary garbage', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect((await call(sb, 'POST', '/payout-invoices', { body: deep })).status).toBe(400);
    expect((await call(sb, 'GET', '/payout-invoices/%E0%A4%A')).status).toBe(404);
    expect((await call(sb, 'GET', '/payout-services?page[size]=%ZZ')).status).toBe(400);
    const garbage = await rawExchange(sb, rawPost(sb, '/payout-invoices', '\u0000\u00ff\ud800{', 'Connection: close\r\n'));
    expect(garbage.received).toMatch(/^HTTP\/1\.1 400 /);
    const junk = await rawExchange(sb, 'NOT HTTP AT ALL\r\n\r\n');
    expect(junk.received).toMatch(/^HTTP\/1\.1 400 /);
    expect(junk.closed).toBe(true);
    const wrongTypes = await call(sb, 'POST', '/payout-invoices', {
      body: '{"data":{"attributes":{"reference_id":{"x":1},"amount":[1],"service":5,"currency":null,"fields":"x"}}}',
    });
    expect(wrongTypes.status).toBe(422);
    expect(Object.keys(wrongTypes.json.errors).sort()).toEqual(['amount', 'currency', 'fields', 'reference_id', 'service']);
    const proto = await call(sb, 'POST', '/payout-prerequest', {
      auth: false,
      body: `{"__proto__":{"public_key":"${sb.credentials.publicKey}"},"currency":"USD"}`,
    });
    expect(proto.status).toBe(401);
    // still serving
    expect((await call(sb, 'GET', '/payout-services')).status).toBe(200);
  });
});
