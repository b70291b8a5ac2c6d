/**
 * Service rules from the API, fetched once per run and cached on disk with a TTL.
 */
import { createDiskCache, type DiskCache } from './cache.js';
import { buildCatalogue, buildCurrencyRules } from './merge.js';
import { compileField, type CompiledField } from './regexp.js';
import { payoutServicesSchema, prerequestSchema } from './cache-schemas.js';
import type { PayoutService, Prerequest } from './service-lists.js';
import type { CurrencyRules, ListedService, RulesBook } from './currency-rules.js';

/** Where the rules come from (api/rules-source.ts wraps the API client). */
export interface RulesSource {
  listPayoutServices(): Promise<PayoutService[]>;
  /** The currency's services; undefined when the API says the currency is not offered. */
  prerequest(currency: string): Promise<Prerequest | undefined>;
}

export interface RulesBookOptions {
  cacheDir: string;
  /** How long cached answers are trusted; default 1 hour. */
  ttlMs?: number;
  /** Ignore the cache (and rewrite it). */
  refresh?: boolean;
  /**
   * Identifies the API, keys and mode (see `rulesCacheKey`); hashed into the file names. A function
   * is called once, at the first read, so the mode can be asked of the API first.
   */
  cacheKey: string | (() => Promise<string>);
  /** Told when the cache cannot be written (the run goes on without it). */
  onCacheError?: (error: Error) => void;
  /** Clock, for tests. */
  now?: () => number;
}

const HOUR_MS = 60 * 60 * 1000;
/** Thrown through the cache so that "not offered" is not written to it. */
const NOT_OFFERED = Symbol('not offered');

export function createRulesBook(client: RulesSource, opts: RulesBookOptions): RulesBook {
  let disk: Promise<DiskCache> | undefined;
  const diskCache = (): Promise<DiskCache> =>
    (disk ??= (typeof opts.cacheKey === 'string' ? Promise.resolve(opts.cacheKey) : opts.cacheKey()).then((cacheKey) =>
      createDiskCache({ dir: opts.cacheDir, cacheKey, ttlMs: opts.ttlMs ?? HOUR_MS, now: opts.now ?? Date.now }),
    ));
  const prerequests = new Map<string, Promise<Prerequest | undefined>>();
  const rules = new Map<string, Promise<CurrencyRules>>();
  const compile = fieldCompiler();
  let listing: Promise<{ list: PayoutService[]; catalogue: Map<string, ListedService> }> | undefined;

  async function cached<T>(name: string, schema: Parameters<DiskCache['read']>[1], fetch: () => Promise<T>): Promise<T> {
    const cache = await diskCache();
    if (!opts.refresh) {
      const hit = (await cache.read(name, schema)) as T | undefined;
      if (hit !== undefined) return hit;
    }
    const data = await fetch();
    await cache.write(name, data).catch((error: unknown) => opts.onCacheError?.(error as Error));
    return data;
  }

  function services(): Promise<{ list: PayoutService[]; catalogue: Map<string, ListedService> }> {
    listing ??= cached('payout-services', payoutServicesSchema, () => client.listPayoutServices()).then((list) => ({
      list,
      catalogue: buildCatalogue(list),
    }));
    return listing;
  }

  function prerequest(currency: string): Promise<Prerequest | undefined> {
    let p = prerequests.get(currency);
    if (!p) {
      const name = `prerequest-${currency.replace(/[^A-Za-z0-9]/g, '_')}`;
      const ask = async (): Promise<Prerequest> => {
        const answer = await client.prerequest(currency);
        if (answer === undefined) throw NOT_OFFERED;
        return answer;
      };
      p = cached(name, prerequestSchema, ask).catch((error: unknown) => {
        if (error === NOT_OFFERED) return undefined;
        throw error;
      });
      prerequests.set(currency, p);
    }
    return p;
  }

  return {
    forCurrency(currency: string): Promise<CurrencyRules> {
      let r = rules.get(currency);
      if (!r) {
        r = Promise.all([prerequest(currency), services()]).then(([pre, { list, catalogue }]) =>
          buildCurrencyRules(pre ?? { currency, testMode: true, services: [] }, list, catalogue, compile),
        );
        rules.set(currency, r);
      }
      return r;
    },
    async serviceCurrency(service: string): Promise<string | undefined> {
      return (await services()).catalogue.get(service)?.serviceCurrency;
    },
  };
}

/** Compiles each distinct field rule once, however many currencies' services share it. */
function fieldCompiler(): (field: Parameters<typeof compileField>[0]) => CompiledField {
  const compiled = new Map<string, CompiledField>();
  return (field) => {
    const id = `${field.key}\u0000${field.required}\u0000${field.regexp ?? ''}`;
    let c = compiled.get(id);
    if (!c) compiled.set(id, (c = compileField(field)));
    return c;
  };
}
