/**
 * Field rules and payout methods of the sandbox catalogue, as the API document shows them.
 * Regexps are kept in the API's wire form, with doubled backslashes: the JS value of the test
 * services' account rule is `^\\d{1,15}$` (two backslash characters), meaning `^\d{1,15}$`.
 */

export interface Localised {
  ru: string;
  en: string;
  uk: string;
}

export interface FieldDef {
  key: string;
  type: 'string';
  label: Localised;
  example: string | null;
  hint: Localised;
  /** Wire form: backslashes doubled, exactly as the API sends it. */
  regexp: string;
  required: boolean;
  position: number;
}

function field(key: string, label: Localised, regexp: string, required: boolean, position = 0): FieldDef {
  return { key, type: 'string', label, example: null, hint: label, regexp, required, position };
}

const LETTERS_RULE = String.raw`^[A-Z\\-\\sa-z]{2,64}$`;

/** The four fields of the document's `test_usd`, in its order and with its positions. */
const TEST_DETAIL_FIELDS: FieldDef[] = [
  field(
    'test_details_success_rate',
    { ru: 'Вероятность успеха (%)', en: 'Success rate (%)', uk: 'Імовірність успіху (%)' },
    String.raw`^\\d{1,15}$`,
    false,
  ),
  field(
    'test_details_payout_status',
    { ru: 'Ожидаемый статус', en: 'Expected status', uk: 'Очікуваний статус' },
    LETTERS_RULE,
    false,
  ),
  field(
    'test_details_payout_resolution',
    { ru: 'Ожидаемый resolution', en: 'Expected resolution', uk: 'Очікуваний resolution' },
    LETTERS_RULE,
    false,
  ),
];

const ACCOUNT_LABEL: Localised = { ru: 'Аккаунт', en: 'Account', uk: 'Акаунт' };

export const TEST_FIELDS: FieldDef[] = [field('account', ACCOUNT_LABEL, String.raw`^\\d{1,15}$`, true), ...TEST_DETAIL_FIELDS];

export const CARD_FIELDS: FieldDef[] = [
  field('card_number', { ru: 'Номер карты', en: 'Card number', uk: 'Номер картки' }, String.raw`^\\d{13,19}$`, true),
];

const IBAN_LIKE = '^[A-Z0-9]{8,34}$';
const HOLDER_RULE = String.raw`^[A-Za-z\\-\\s.']{2,64}$`;
const HOLDER_LABEL: Localised = { ru: 'Имя получателя', en: 'Beneficiary name', uk: 'Імʼя отримувача' };

export const BANK_FIELDS: FieldDef[] = [
  field('account', ACCOUNT_LABEL, IBAN_LIKE, true, 0),
  field('beneficiary_name', HOLDER_LABEL, HOLDER_RULE, false, 1),
];

export const SWIFT_FIELDS: FieldDef[] = [
  field('account', ACCOUNT_LABEL, IBAN_LIKE, true, 0),
  field('bic', { ru: 'BIC/SWIFT', en: 'BIC/SWIFT', uk: 'BIC/SWIFT' }, '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$', false, 1),
];

/** `swift_usd`: a real-looking rule plus the test details, so tests can steer its outcome. */
export const SWIFT_TEST_FIELDS: FieldDef[] = [field('account', ACCOUNT_LABEL, IBAN_LIKE, true, 0), ...TEST_DETAIL_FIELDS];

export const WALLET_FIELDS: FieldDef[] = [
  field('wallet_id', { ru: 'Кошелёк', en: 'Wallet', uk: 'Гаманець' }, '^[A-Za-z0-9]{6,32}$', true),
];

export const SEPA_FIELDS: FieldDef[] = [
  field('account', { ru: 'IBAN', en: 'IBAN', uk: 'IBAN' }, String.raw`^[A-Z]{2}\\d{2}[A-Z0-9]{11,30}$`, true, 0),
  field('beneficiary_name', HOLDER_LABEL, HOLDER_RULE, true, 1),
];

export interface MethodDef {
  code: string;
  category: string;
  description: string;
  name: { en: string; ru: string; uk: string };
  logo: string;
  icon: string;
  metadata: null;
  position: null;
  hide: null;
}

function method(code: string, category: string, name: string): MethodDef {
  return {
    code,
    category,
    description: '',
    name: { en: name, ru: name, uk: name },
    logo: `https://static.openfintech.io/payout_methods/${code}/logo.png`,
    icon: `https://static.openfintech.io/payout_methods/${code}/icon.svg`,
    metadata: null,
    position: null,
    hide: null,
  };
}

export const METHODS: Record<string, MethodDef> = {
  test: method('test', 'alternative', 'Test'),
  payment_card: method('payment_card', 'payment_card', 'Payment card'),
  bank_transfer: method('bank_transfer', 'bank_transfer', 'Bank transfer'),
  swift: method('swift', 'bank_transfer', 'SWIFT'),
  sepa: method('sepa', 'bank_transfer', 'SEPA'),
  wallet: method('wallet', 'ewallet', 'Wallet'),
};

/** The account block of the pre-request answer, as in the document. */
export const ACCOUNT = {
  name: '4Docs',
  description: 'for documenting and testing',
  icon: 'https://static-dev.psp.name/images/default.svg?1595852370',
  website: 'https://lets.doc.it',
};

/** The wire form back to a usable pattern: `^\\d$` (doubled) means `^\d$`. */
export function compileRule(wire: string): RegExp {
  return new RegExp(wire.replaceAll('\\\\', '\\'));
}
