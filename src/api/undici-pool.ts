/**
 * undici's connection pool and its `request()`, loaded on their own. undici's entry point also
 * loads fetch, WebSocket, the caches and the mocks: about 55 ms of start-up before the first
 * request, against about 15 ms for these two modules. undici 7 has no `exports` map, so these
 * paths are public files of the package; the types are undici's own.
 */
import { createRequire } from 'node:module';
import type { Dispatcher, Pool } from 'undici';

const load = createRequire(import.meta.url);

export const UndiciPool = load('undici/lib/dispatcher/pool.js') as typeof Pool;

const requestOn = load('undici/lib/api/api-request.js') as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/** `pool.request(options)`, without needing undici's entry point to add `request` to the prototype. */
export function requestThrough(pool: Pool, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return requestOn.call(pool, options);
}

export type { Pool };
