/** Service rules as the validator sees them: one currency's services, merged from both endpoints. */
import type { CompiledField } from './regexp.js';

export interface ServiceRule {
  code: string;
  /** The invoice currency these rules are for. */
  currency: string;
  /** The currency the service pays out in; its limits are in it. */
  serviceCurrency: string;
  method: string;
  fields: CompiledField[];
  /** Plain decimals in the service currency; null when the API gave none usable. */
  amountMin: string | null;
  amountMax: string | null;
  /** invoice currency -> service currency; `1` for the same currency. */
  exchangeRate: string;
  enabled: boolean;
  available: boolean;
  /** Present in the account's `/payout-services` list. */
  known: boolean;
  /** The fee rule `/payout-services` gives (rate in %, fixed part, bounds; `0` bound = none); null when not listed. */
  fee: FeeRule | null;
}

export interface FeeRule {
  rate: string;
  fix: string;
  min: string;
  max: string;
}

/** One service of the account's `/payout-services` list, whatever the currency. */
export interface ListedService {
  code: string;
  serviceCurrency: string;
  /** Invoice currencies it is listed for. */
  currencies: string[];
  enabled: boolean;
  available: boolean;
}

export interface CurrencyRules {
  currency: string;
  /** The services `/payout-prerequest` offers for this currency, by code. */
  services: ReadonlyMap<string, ServiceRule>;
  /** Every service of the account (all pages of `/payout-services`), by code. */
  catalogue: ReadonlyMap<string, ListedService>;
}

export interface RulesBook {
  /** The rules for invoices in `currency` (fetched or read from the cache once per run). */
  forCurrency(currency: string): Promise<CurrencyRules>;
  /** The service's own currency, from `/payout-services`; undefined for an unknown service. */
  serviceCurrency(service: string): Promise<string | undefined>;
}
