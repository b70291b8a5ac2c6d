import type { PayoutService, Prerequest, PrerequestService } from '../../src/api/client-types.js';
import type { InputRecord } from '../../src/rules/input-record.js';
import { buildCatalogue, buildCurrencyRules } from '../../src/rules/merge.js';
import type { CurrencyRules } from '../../src/rules/currency-rules.js';

const ACCOUNT = { key: 'account', type: 'string', required: true, regexp: '^\\\\d{1,15}$' };
const STATUS = { key: 'test_details_payout_status', type: 'string', required: false, regexp: '^[A-Z\\\\-\\\\sa-z]{2,64}$' };
const CARD = { key: 'card_number', type: 'string', required: true, regexp: '^\\\\d{13,19}$' };

function offered(code: string, currency: string, rest: Partial<PrerequestService> = {}): PrerequestService {
  return { code, method: 'test', currency, fields: [ACCOUNT, STATUS], amountMin: '0.01', amountMax: '9999999', exchangeRate: '1', ...rest };
}

function listed(service: string, serviceCurrency: string, rest: Partial<PayoutService> = {}): PayoutService {
  return {
    id: `comcpos_${service}`,
    service,
    serviceMethod: 'test',
    serviceCurrency,
    available: true,
    active: true,
    enabled: true,
    amountMin: '0.01',
    amountMax: '9999999',
    feeMin: '0',
    feeMax: '0',
    feeRate: '0',
    feeFix: '0',
    currency: serviceCurrency,
    testMode: true,
    ...rest,
  };
}

export const LIST: PayoutService[] = [
  listed('test_usd', 'USD'),
  listed('test_jpy', 'JPY', { amountMin: '1' }),
  listed('payment_card_usd', 'USD', { amountMin: '1', amountMax: '5000' }),
  listed('bank_transfer_usd_disabled', 'USD', { enabled: false }),
  listed('wallet_usd_unavailable', 'USD', { available: false }),
  listed('sepa_eur', 'EUR'),
  listed('swift_usd', 'USD', { amountMin: '10', amountMax: '1000' }),
  listed('broken_usd', 'USD'),
];

const PRE_USD: Prerequest = {
  currency: 'USD',
  testMode: true,
  services: [
    offered('test_usd', 'USD'),
    offered('payment_card_usd', 'USD', { method: 'payment_card', fields: [CARD], amountMin: '1', amountMax: '5000' }),
    offered('bank_transfer_usd_disabled', 'USD'),
    offered('wallet_usd_unavailable', 'USD'),
    offered('swift_usd', 'USD', { amountMin: '5', amountMax: '2000' }), // the listing's limits are tighter
    offered('broken_usd', 'USD', { fields: [{ key: 'account', type: 'string', required: false, regexp: '^(\\\\d+$' }] }),
    offered('offered_only_usd', 'USD'),
  ],
};

const PRE_EUR: Prerequest = {
  currency: 'EUR',
  testMode: true,
  services: [offered('test_usd', 'USD', { exchangeRate: '1.08', amountMin: '0.01', amountMax: '1000' }), offered('sepa_eur', 'EUR')],
};

const PRE_JPY: Prerequest = { currency: 'JPY', testMode: true, services: [offered('test_jpy', 'JPY', { amountMin: '1' })] };

const catalogue = buildCatalogue(LIST);
export const RULES: Record<string, CurrencyRules> = {
  USD: buildCurrencyRules(PRE_USD, LIST, catalogue),
  EUR: buildCurrencyRules(PRE_EUR, LIST, catalogue),
  JPY: buildCurrencyRules(PRE_JPY, LIST, catalogue),
  GBP: buildCurrencyRules({ currency: 'GBP', testMode: true, services: [] }, LIST, catalogue),
};

export function record(cells: Record<string, string>, line = 2): InputRecord {
  return { line, cells };
}

/** A valid test_usd row, with overrides (an empty string removes a cell). */
export function row(overrides: Record<string, string> = {}, line = 2): InputRecord {
  const cells: Record<string, string> = { reference_id: 'ref-1', service: 'test_usd', currency: 'USD', amount: '10.50', 'fields.account': '12345' };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === '') delete cells[k];
    else cells[k] = v;
  }
  return record(cells, line);
}
