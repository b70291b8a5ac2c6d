/** The bare loop (lib/bare-loop.ts) on undici's `request()` and its default keep-alive agent, as an undici user would write it. */
import { request } from 'undici';
import { payEveryRow, settings } from './lib/bare-loop.js';

const s = settings();
const json = { authorization: s.authorization, accept: 'application/json', 'content-type': 'application/json' };
const bare = { authorization: s.authorization, accept: 'application/json' };

await payEveryRow(async (url, body) => {
  const response = await request(url, body === undefined ? { method: 'POST', headers: bare } : { method: 'POST', headers: json, body: JSON.stringify(body) });
  return { status: response.statusCode, body: await response.body.json() };
}, s);
