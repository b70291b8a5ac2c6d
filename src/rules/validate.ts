/**
 * One input record against one currency's service rules. Pure: no I/O.
 * The first failing check is reported, in this order: structure, currency, amount format,
 * service, amount range, fields, customer, callback URL.
 */
import type { PayoutInstruction } from '../payout/instruction.js';
import { checkAmountRange, checkFields, checkService } from './checks-against-rules.js';
import { checkAmountFormat, checkHead, checkTail, type ValidateOptions } from './checks-without-rules.js';
import type { CurrencyRules, ServiceRule } from './currency-rules.js';
import type { InputRecord } from './input-record.js';
import { failure, type ValidationResult } from './validation-failure.js';

const NO_OPTIONS: ValidateOptions = Object.freeze({});

export function validateRecord(rec: InputRecord, rules: CurrencyRules | undefined, opts: ValidateOptions = NO_OPTIONS): ValidationResult {
  const head = checkHead(rec, opts);
  if (!head.ok) return head;
  if (!rules || rules.services.size === 0) {
    return failure(rec, 'currency_not_offered', `line ${head.line}: no payout service is offered for currency ${head.currency} on this account: check the currency column (the services command lists what is offered)`, 'currency');
  }
  const amountProblem = checkAmountFormat(rec, head);
  if (amountProblem) return amountProblem;
  const rule = rules.services.get(head.service);
  // checkService finds a problem whenever there is no rule.
  const problem = checkService(head.service, head.currency, rule, rules) ?? checkAmountRange(head, rule!) ?? checkFields(rec.cells, rule!);
  if (problem) return failure(rec, problem.code, `line ${head.line}: ${problem.message}`, problem.column ?? 'service');
  const result = checkTail(rec, head);
  const payeeFields = requiredKeys(rule!);
  if (result.ok && payeeFields) result.payout.payeeFields = payeeFields;
  return result;
}

const requiredKeysCache = new WeakMap<ServiceRule, readonly string[] | null>();

/** The keys of a service's required fields (once per rule), or undefined when it requires none. */
export function requiredKeys(rule: ServiceRule): readonly string[] | undefined {
  let keys = requiredKeysCache.get(rule);
  if (keys === undefined) {
    const required = rule.fields.filter((f) => f.required).map((f) => f.key);
    keys = required.length ? required : null;
    requiredKeysCache.set(rule, keys);
  }
  return keys ?? undefined;
}

/**
 * The instruction a record gives when every check that needs no service rules passes (structure,
 * currency code, amount format, customer, callback URL); undefined when one fails. What the
 * service rules add (service offered, amount limits, field patterns) is left out: for a row an
 * earlier run settled with this very instruction, rules changed since cannot change what happened.
 */
export function instructionWithoutRules(rec: InputRecord, opts: ValidateOptions = NO_OPTIONS): PayoutInstruction | undefined {
  const head = checkHead(rec, opts);
  if (!head.ok || checkAmountFormat(rec, head)) return undefined;
  const result = checkTail(rec, head);
  return result.ok ? result.payout : undefined;
}
