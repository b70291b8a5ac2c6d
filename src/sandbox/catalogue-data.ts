/**
 * The sandbox's 168 payout services, generated deterministically: the named services tests rely
 * on first, then plausible generated ones, and `swift_usd` last (so only the last page of
 * `/payout-services` shows it). Money is decimal text here, never a float.
 */
import {
  BANK_FIELDS,
  CARD_FIELDS,
  SEPA_FIELDS,
  SWIFT_FIELDS,
  SWIFT_TEST_FIELDS,
  TEST_FIELDS,
  WALLET_FIELDS,
  type FieldDef,
} from './catalogue-fields.js';
import { Decimal, currencyDigits } from './decimal.js';

export interface ServiceSpec {
  code: string;
  method: string;
  /** The service's own currency (`service_currency`); limits are in it. */
  currency: string;
  available: boolean;
  enabled: boolean;
  active: boolean;
  amountMin: string;
  amountMax: string;
  feeMin: string;
  feeMax: string;
  /** Percent of the amount. */
  feeRate: string;
  feeFix: string;
  fields: FieldDef[];
  /** Other invoice currencies it is offered for, with the rate invoice -> service currency. */
  crossRates?: Record<string, string>;
}

const CATALOGUE_SIZE = 168;

const GENERATED_CURRENCIES = [
  'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RON',
  'TRY', 'ZAR', 'BRL', 'MXN', 'INR', 'CNY', 'HKD', 'SGD', 'NZD', 'AED', 'SAR', 'ILS', 'THB', 'MYR',
  'IDR', 'PHP', 'KRW', 'UAH', 'KZT', 'GEL', 'CLP', 'COP', 'PEN', 'NGN', 'KES', 'EGP', 'KWD', 'BHD',
];
const GENERATED_METHODS = ['bank_transfer', 'swift', 'payment_card', 'wallet'] as const;

function smallestUnit(currency: string): string {
  return Decimal.fromMinor(1n, currencyDigits(currency) ?? 2).toString();
}

function spec(code: string, method: string, currency: string, rest: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    code,
    method,
    currency,
    available: true,
    enabled: true,
    active: true,
    amountMin: '1',
    amountMax: '999999',
    feeMin: '0',
    feeMax: '0',
    feeRate: '0',
    feeFix: '0',
    fields: [],
    ...rest,
  };
}

function testService(currency: string, crossRates?: Record<string, string>): ServiceSpec {
  return spec(`test_${currency.toLowerCase()}`, 'test', currency, {
    amountMin: smallestUnit(currency),
    amountMax: '9999999',
    fields: TEST_FIELDS,
    ...(crossRates ? { crossRates } : {}),
  });
}

function cardService(currency: string): ServiceSpec {
  return spec(`payment_card_${currency.toLowerCase()}`, 'payment_card', currency, {
    amountMax: '5000',
    feeRate: '1.5',
    feeFix: currencyDigits(currency) === 0 ? '30' : '0.30',
    fields: CARD_FIELDS,
  });
}

function generated(method: (typeof GENERATED_METHODS)[number], currency: string): ServiceSpec {
  const code = `${method}_${currency.toLowerCase()}`;
  switch (method) {
    case 'bank_transfer':
      return spec(code, method, currency, { amountMin: '10', amountMax: '1000000', feeRate: '0.5', feeFix: '1', fields: BANK_FIELDS });
    case 'swift':
      return spec(code, method, currency, { feeFix: '15', fields: SWIFT_FIELDS });
    case 'payment_card':
      return cardService(currency);
    case 'wallet':
      return spec(code, method, currency, { amountMin: smallestUnit(currency), amountMax: '10000', feeRate: '1', fields: WALLET_FIELDS });
  }
}

/** The catalogue in page order. */
export function buildServiceSpecs(): ServiceSpec[] {
  const named: ServiceSpec[] = [
    testService('USD', { EUR: '1.08' }),
    testService('EUR'),
    testService('GBP'),
    testService('JPY'),
    testService('KWD'),
    cardService('USD'),
    cardService('EUR'),
    spec('bank_transfer_usd_disabled', 'bank_transfer', 'USD', {
      enabled: false,
      active: false,
      amountMin: '10',
      amountMax: '1000000',
      fields: BANK_FIELDS,
    }),
    spec('sepa_eur_unavailable', 'sepa', 'EUR', {
      available: false,
      active: false,
      amountMin: '1',
      amountMax: '100000',
      feeFix: '0.50',
      fields: SEPA_FIELDS,
    }),
  ];
  const last = spec('swift_usd', 'swift', 'USD', { feeFix: '15', fields: SWIFT_TEST_FIELDS });

  const taken = new Set([...named.map((s) => s.code), last.code]);
  const specs = [...named];
  outer: for (const currency of GENERATED_CURRENCIES) {
    for (const method of GENERATED_METHODS) {
      if (specs.length === CATALOGUE_SIZE - 1) break outer;
      const s = generated(method, currency);
      if (taken.has(s.code)) continue;
      taken.add(s.code);
      specs.push(s);
    }
  }
  specs.push(last);
  if (specs.length !== CATALOGUE_SIZE) throw new Error(`catalogue has ${specs.length} services`);
  return specs;
}
