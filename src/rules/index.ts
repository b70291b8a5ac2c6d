export { createRulesBook, type RulesBookOptions } from './book.js';
export { normalizeRegexp, compileField, type CompiledField } from './regexp.js';
export type { PayoutInstruction } from '../payout/instruction.js';
export { validateRecord, type ValidationResult, type ValidationFailure, type ValidationErrorCode, type ValidateOptions } from './validate.js';
export { createValidator, type Validator } from './file-validator.js';
export type { CurrencyRules, ListedService, RulesBook, ServiceRule } from './currency-rules.js';
