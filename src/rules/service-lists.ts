/** The API's lists of payout services, as the rules are built from them. */

export interface FieldRule {
  key: string;
  type: string;
  required: boolean;
  /** The regexp exactly as the API sent it (often with doubled backslashes: `^\\d{1,15}$`). */
  regexp: string | null;
  label?: string;
}

/** One service offered by `/payout-prerequest` for a currency. */
export interface PrerequestService {
  code: string;
  method: string;
  currency: string;
  fields: FieldRule[];
  amountMin: string;
  amountMax: string;
  exchangeRate: string;
}

export interface Prerequest {
  currency: string;
  testMode: boolean;
  services: PrerequestService[];
}

/** One entry of the private `/payout-services` list. */
export interface PayoutService {
  id: string;
  service: string;
  serviceMethod: string;
  serviceCurrency: string;
  available: boolean;
  active: boolean;
  enabled: boolean;
  amountMin: string;
  amountMax: string;
  feeMin: string;
  feeMax: string;
  feeRate: string;
  feeFix: string;
  currency: string;
  testMode: boolean;
}
