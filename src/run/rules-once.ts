import type { RulesBook } from '../rules/index.js';

/** The rules book as one run asks it: each currency's rules once, whichever pass meets it first. */
export function onceEach(book: RulesBook): RulesBook {
  const asked = new Map<string, ReturnType<RulesBook['forCurrency']>>();
  return {
    forCurrency(currency) {
      let rules = asked.get(currency);
      if (!rules) asked.set(currency, (rules = book.forCurrency(currency)));
      return rules;
    },
    serviceCurrency: (service) => book.serviceCurrency(service),
  };
}
