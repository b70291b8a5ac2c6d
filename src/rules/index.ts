export { createRulesBook } from './book.js';
export type { PayoutInstruction } from '../payout/instruction.js';
export type { ValidationFailure } from './validation-failure.js';
export { createValidator, type Validator } from './file-validator.js';
export type { CurrencyRules, RulesBook } from './currency-rules.js';
