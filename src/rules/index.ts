export { createRulesBook, type RulesBookOptions } from './book.js';
export { normalizeRegexp, compileField, type CompiledField } from './regexp.js';
export { validateRecord, type PayoutInstruction, type ValidationResult, type ValidationFailure, type ValidationErrorCode, type ValidateOptions } from './validate.js';
export { createValidator, type Validator } from './validator.js';
export type { CurrencyRules, ListedService, RulesBook, ServiceRule } from './types.js';
