/**
 * Server-side validation of `POST /payout-invoices` attributes, answering like the API:
 * one message per field path (`{"errors":{"amount":"This value should be greater than 0."}}`). Pure.
 */
import { withinLimits, type Catalogue, type Offer } from './catalogue.js';
import { Decimal, currencyDigits } from './decimal.js';
import type { CreateInput } from './invoices.js';
import { MESSAGES } from './field-messages.js';
import { JsonNumber, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { validateNested } from './validate-nested.js';


export type CreateValidation = { ok: true; input: CreateInput } | { ok: false; errors: Record<string, string> };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isBlank(v: JsonValue | undefined): boolean {
  return v === undefined || v === null || v === '';
}

/** A non-empty string, or the error message for it. */
function text(v: JsonValue | undefined, required: boolean): { value: string | null } | { error: string } {
  if (isBlank(v)) return required ? { error: MESSAGES.blank } : { value: null };
  if (typeof v !== 'string') return { error: MESSAGES.notString };
  return { value: v };
}

function isHttpUrl(v: string): boolean {
  try {
    const url = new URL(v);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function validateCreate(attrs: JsonObject, catalogue: Catalogue): CreateValidation {
  const errors: Record<string, string> = {};

  const ref = text(attrs['reference_id'], true);
  if ('error' in ref) errors['reference_id'] = ref.error;
  else if ((ref.value ?? '').length > 255) errors['reference_id'] = MESSAGES.tooLong;

  const cur = text(attrs['currency'], true);
  let currency: string | undefined;
  let digits: number | undefined;
  if ('error' in cur) errors['currency'] = cur.error;
  else if ((digits = currencyDigits(cur.value ?? '')) === undefined) errors['currency'] = MESSAGES.invalid;
  else currency = cur.value ?? undefined;

  const amount = validateAmount(attrs['amount'], digits, errors);
  const offer = validateService(attrs['service'], currency, catalogue, errors);
  if (offer && amount && !withinLimits(offer, amount)) {
    const s = offer.service;
    errors['amount'] = `This value should be between ${s.amountMin.toString()} and ${s.amountMax.toString()} ${s.spec.currency}.`;
  }
  const serviceCode = typeof attrs['service'] === 'string' ? attrs['service'] : '';
  const fields = validateFields(attrs['fields'], catalogue.byServiceCode(serviceCode)?.fieldsByKey, errors);

  const description = text(attrs['description'], false);
  if ('error' in description) errors['description'] = description.error;
  const callbackUrl = text(attrs['callback_url'], false);
  if ('error' in callbackUrl) errors['callback_url'] = callbackUrl.error;
  else if (callbackUrl.value !== null && !isHttpUrl(callbackUrl.value)) errors['callback_url'] = MESSAGES.url;
  const customerReference = validateCustomer(attrs['customer'], errors);
  const nested = validateNested(attrs, errors);

  if (Object.keys(errors).length > 0 || !offer || !amount || !currency || digits === undefined || !fields) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    input: {
      referenceId: (ref as { value: string }).value,
      offer,
      currency,
      digits,
      amount,
      fields,
      description: 'value' in description ? description.value : null,
      callbackUrl: 'value' in callbackUrl ? callbackUrl.value : null,
      metadata: nested.metadata,
      customerReference: customerReference ?? null,
      received: { customer: nested.customer, context: nested.context, options: nested.options },
      autoProcess: nested.options?.['auto_process'] === true,
    },
  };
}

function validateAmount(v: JsonValue | undefined, digits: number | undefined, errors: Record<string, string>): Decimal | undefined {
  if (v === undefined || v === null) return void (errors['amount'] = MESSAGES.blank);
  if (!(v instanceof JsonNumber)) return void (errors['amount'] = MESSAGES.notNumber);
  const amount = Decimal.parse(v.value);
  if (!amount) return void (errors['amount'] = MESSAGES.invalid);
  if (!amount.isPositive()) return void (errors['amount'] = MESSAGES.positive);
  if (digits !== undefined && amount.toMinor(digits) === undefined) {
    return void (errors['amount'] = `This value should have ${digits} decimal places or less.`);
  }
  return amount;
}

function validateService(
  v: JsonValue | undefined,
  currency: string | undefined,
  catalogue: Catalogue,
  errors: Record<string, string>,
): Offer | undefined {
  const code = text(v, true);
  if ('error' in code) return void (errors['service'] = code.error);
  const service = catalogue.byServiceCode(code.value ?? '');
  if (!service) return void (errors['service'] = MESSAGES.invalid);
  if (!service.spec.enabled) return void (errors['service'] = 'The service is disabled.');
  if (!service.spec.available) return void (errors['service'] = 'The service is not available.');
  if (currency === undefined) return undefined;
  const offer = catalogue.offer(currency, service.spec.code);
  if (!offer) return void (errors['service'] = `The service is not offered for ${currency}.`);
  return offer;
}

function validateFields(
  v: JsonValue | undefined,
  rules: Map<string, { def: { required: boolean }; pattern: RegExp }> | undefined,
  errors: Record<string, string>,
): Record<string, string> | undefined {
  if (v !== undefined && v !== null && !isJsonObject(v)) return void (errors['fields'] = MESSAGES.notObject);
  const given = v ?? {};
  const out: Record<string, string> = {};
  let ok = true;
  for (const [key, value] of Object.entries(given)) {
    const path = `fields.${key}`;
    if (rules && !rules.has(key)) {
      errors[path] = MESSAGES.extra;
      ok = false;
    } else if (value !== null && value !== '' && typeof value !== 'string') {
      errors[path] = MESSAGES.notString;
      ok = false;
    } else if (typeof value === 'string' && value !== '') {
      out[key] = value;
    }
  }
  for (const [key, rule] of rules ?? []) {
    const value = out[key];
    const path = `fields.${key}`;
    if (errors[path]) continue;
    if (value === undefined) {
      if (rule.def.required) {
        errors[path] = MESSAGES.blank;
        ok = false;
      }
    } else if (!rule.pattern.test(value)) {
      errors[path] = MESSAGES.invalid;
      ok = false;
    }
  }
  return ok ? out : undefined;
}

function validateCustomer(v: JsonValue | undefined, errors: Record<string, string>): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v)) return void (errors['customer'] = MESSAGES.notObject);
  const ref = text(v['reference_id'], true);
  if ('error' in ref) errors['customer.reference_id'] = ref.error;
  const email = v['email'];
  if (!isBlank(email) && (typeof email !== 'string' || !EMAIL.test(email))) errors['customer.email'] = MESSAGES.email;
  return 'value' in ref ? (ref.value ?? undefined) : undefined;
}
