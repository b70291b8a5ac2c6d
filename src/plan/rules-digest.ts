import { createHash } from 'node:crypto';
import type { RulesBook } from '../rules/index.js';

/**
 * A digest of the service rules the file was validated against (per currency: each service's
 * fields, regexps, limits, rate and flags), so a reviewer can tell the rules changed since a plan.
 */
export async function rulesDigest(rules: RulesBook, currencies: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const currency of [...currencies].sort()) {
    const book = await rules.forCurrency(currency);
    const services = [...book.services.values()]
      .sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0))
      .map((s) => [s.code, s.serviceCurrency, s.amountMin, s.amountMax, s.exchangeRate, s.enabled, s.available, s.known, s.fields.map((f) => [f.key, f.required, f.source])]);
    hash.update(JSON.stringify([currency, services]));
  }
  return hash.digest('hex').slice(0, 32);
}
