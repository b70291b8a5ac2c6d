/** The bare loop (lib/bare-loop.ts) on got 14 with a keep-alive agent, as a got user would write it. */
import http from 'node:http';
import got from 'got';
import { payEveryRow, settings } from './lib/bare-loop.js';

const s = settings();
const client = got.extend({
  agent: { http: new http.Agent({ keepAlive: true }) },
  headers: { authorization: s.authorization, accept: 'application/json' },
  responseType: 'json',
  retry: { limit: 0 },
  throwHttpErrors: false,
});

await payEveryRow(async (url, json) => {
  const response = await client.post(url, json === undefined ? {} : { json });
  return { status: response.statusCode, body: response.body };
}, s);
