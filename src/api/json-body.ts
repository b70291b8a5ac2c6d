import { randomUUID } from 'node:crypto';
import { decimalToJsonLiteral } from '../money.js';
import type { CreateInvoiceRequest } from './client-types.js';

/**
 * JSON text of `body` where the string value `amount` appears as a JSON number literal with
 * exactly its digits. JSON.stringify would need a JS number, which loses `0.10`'s trailing zero
 * and the last digits of large amounts; so we stringify a placeholder and splice the literal in.
 */
export function jsonWithAmount(build: (amountSlot: string) => unknown, amount: string): string {
  const literal = decimalToJsonLiteral(amount);
  const slot = `__amount_${randomUUID()}__`;
  const text = JSON.stringify(build(slot));
  const quoted = JSON.stringify(slot);
  const at = text.indexOf(quoted);
  if (at < 0 || text.indexOf(quoted, at + 1) >= 0) {
    throw new Error('amount placeholder must appear exactly once in the request body');
  }
  return text.slice(0, at) + literal + text.slice(at + quoted.length);
}

/**
 * The documented create body: `{"data":{"type":"payout-invoice","attributes":{…}}}`, its
 * attributes in the documented order. The attributes before the amount and those after it are
 * stringified apart and the literal goes between them: the same text as `jsonWithAmount` (which
 * the tests hold it to) without a placeholder to make and find in every row's body.
 */
export function createInvoiceBody(req: CreateInvoiceRequest): string {
  const literal = decimalToJsonLiteral(req.amount);
  const before = JSON.stringify({ reference_id: req.referenceId, service: req.service, currency: req.currency });
  const after = JSON.stringify({
    fields: req.fields,
    description: req.description,
    callback_url: req.callbackUrl,
    customer: req.customer,
    metadata: req.metadata,
    context: req.context,
    options: req.options,
  });
  const head = before.length > 2 ? `${before.slice(0, -1)},` : '{';
  const tail = after.length > 2 ? `,${after.slice(1)}` : '}';
  return `{"data":{"type":"payout-invoice","attributes":${head}"amount":${literal}${tail}}}`;
}

/** The public pre-request body; `amount` is optional there. */
export function prerequestBody(currency: string, publicKey: string, amount?: string): string {
  if (amount === undefined) return JSON.stringify({ currency, public_key: publicKey });
  return jsonWithAmount((slot) => ({ currency, amount: slot, public_key: publicKey }), amount);
}
