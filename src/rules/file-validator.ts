/**
 * Validation of a whole file, row by row: duplicate references, the dashboard layout's
 * currency, and the rules of each row's currency (fetched once per currency, and only for
 * well-formed codes). Once a currency's rules are loaded, a row is validated without waiting.
 * A row an earlier run settled (the caller says which) is checked without the rules at all.
 */
import { isoMinorDigits } from '../money.js';
import type { InputRecord, Layout } from './input-record.js';
import { findInvisible } from './invisible-characters.js';
import { FirstSeen } from './first-seen.js';
import type { CurrencyRules, RulesBook } from './currency-rules.js';
import type { PayoutInstruction } from '../payout/instruction.js';
import { instructionWithoutRules, requiredKeys, validateRecord } from './validate.js';
import type { ValidationFailure, ValidationResult } from './validation-failure.js';

export interface Validator {
  /** A batch of records (see `InputFile.batches()`), in order: one await per batch, not per row. */
  validateBatch(records: readonly InputRecord[], layout: Layout): Promise<ValidationResult[]>;
}

const ASCII = /^[\x00-\x7f]*$/;

/** Rules are fetched only for an ISO 4217 currency: any other code is invalid without asking. */
function isIsoCurrency(c: string | undefined): c is string {
  return c !== undefined && isoMinorDigits(c) !== undefined;
}

export interface ValidatorOptions {
  /**
   * Whether an earlier run settled this exact instruction (its journal entry is final and its
   * fingerprint matches). Such a row skips the checks that need the service rules: whatever they
   * say now, the payout was made (or settled) as it stands. Every other check still applies.
   */
  settled?: (payout: PayoutInstruction) => boolean;
}

/**
 * The file's references so far: a row whose reference repeats an earlier one, or looks the same
 * on screen, is refused (one payee could otherwise be paid twice). FirstSeen sets are exact, at
 * 11 to 16 bytes a reference.
 */
class ReferenceDuplicates {
  private readonly seen = new FirstSeen();
  /** NFKC forms of the references that differ from their own form (few files have any). */
  private readonly normalised = new FirstSeen();

  check(rec: InputRecord): ValidationFailure | undefined {
    const ref = rec.cells['reference_id'];
    // A reference with an invisible character is refused as such (showing it), whatever it looks like.
    if (ref === undefined || ref.trim() === '' || findInvisible(ref)) return undefined;
    const first = this.seen.firstOrAdd(ref, { ref: '', line: rec.line })?.line;
    const lookalike = first === undefined ? this.lookalikeOf(ref, rec.line) : undefined;
    if (first === undefined && lookalike === undefined) return undefined;
    if (rec.malformed) return undefined; // reported as malformed
    return {
      ok: false,
      line: rec.line,
      referenceId: ref,
      errorCode: 'duplicate_reference_id',
      column: 'reference_id',
      message:
        first !== undefined
          ? `line ${rec.line}: reference_id "${ref}" repeats line ${first}; every payout needs its own reference`
          : `line ${rec.line}: reference_id "${ref}" looks the same as the reference of line ${lookalike} ` +
            '(they differ only in how Unicode encodes the same characters: composed or decomposed accents, fullwidth or compatibility forms); ' +
            'every payout needs a reference of its own that looks different',
    };
  }

  /**
   * The line of an earlier, different reference that is the same text in NFKC form (`Zoë` composed
   * and decomposed, `ｗｓ-１` and `ws-1`): on screen they are one reference, so one payee could be
   * paid twice. ASCII is its own NFKC form, so most rows cost one test.
   */
  private lookalikeOf(ref: string, line: number): number | undefined {
    if (ASCII.test(ref)) return this.normalised.size === 0 ? undefined : this.normalised.first(ref)?.line;
    const form = ref.normalize('NFKC');
    if (form === ref) return this.normalised.size === 0 ? undefined : this.normalised.first(ref)?.line;
    return this.seen.first(form)?.line ?? this.normalised.firstOrAdd(form, { ref: '', line })?.line;
  }
}

export function createValidator(book: RulesBook, options: ValidatorOptions = {}): Validator {
  return new FileValidator(book, options.settled);
}

class FileValidator implements Validator {
  private readonly duplicates = new ReferenceDuplicates();
  /** currency -> its rules, once fetched. */
  private readonly loaded = new Map<string, CurrencyRules>();
  /** service -> its currency (dashboard layout); null for an unknown service. */
  private readonly serviceCurrencies = new Map<string, string | null>();

  constructor(
    private readonly book: RulesBook,
    private readonly isSettled: ValidatorOptions['settled'],
  ) {}

  async validateBatch(records: readonly InputRecord[], layout: Layout): Promise<ValidationResult[]> {
    const results: ValidationResult[] = [];
    for (const rec of records) {
      const dup = this.duplicates.check(rec);
      if (dup) {
        results.push(dup);
        continue;
      }
      // The standard layout names its currency: a row's instruction needs no rules (the dashboard's asks them).
      const settled = this.isSettled && layout === 'standard' ? instructionWithoutRules(rec) : undefined;
      if (settled && this.isSettled!(settled)) results.push({ ok: true, payout: this.withLoadedPayee(settled) });
      else results.push(this.trySync(rec, layout) ?? (await this.loadThenValidate(rec, layout)));
    }
    return results;
  }

  /** The currency a row's rules are for, or null when it has none worth fetching rules for. */
  private currencyOf(rec: InputRecord, layout: Layout): string | null | undefined {
    if (layout === 'standard') {
      const c = rec.cells['currency'];
      return isIsoCurrency(c) ? c : null;
    }
    const service = rec.cells['service'];
    if (service === undefined) return null;
    return this.serviceCurrencies.get(service); // undefined: not looked up yet
  }

  /** Validates once the rules it needs are loaded; undefined when they are not yet. */
  private trySync(rec: InputRecord, layout: Layout): ValidationResult | undefined {
    if (rec.malformed) return validateRecord(rec, undefined);
    const currency = this.currencyOf(rec, layout);
    if (currency === undefined) return undefined;
    if (currency === null) {
      return layout === 'dashboard' ? validateRecord(rec, undefined, { layout }) : validateRecord(rec, undefined);
    }
    const rules = this.loaded.get(currency);
    if (!rules) return undefined;
    return layout === 'dashboard' ? validateRecord(rec, rules, { layout, currency }) : validateRecord(rec, rules);
  }

  /** Loads what `trySync` lacked for this row, then validates it. */
  private async loadThenValidate(rec: InputRecord, layout: Layout): Promise<ValidationResult> {
    const service = rec.cells['service'];
    if (layout === 'dashboard' && service !== undefined && !this.serviceCurrencies.has(service)) {
      const c = await this.book.serviceCurrency(service);
      this.serviceCurrencies.set(service, isIsoCurrency(c) ? c : null);
    }
    const currency = this.currencyOf(rec, layout);
    if (currency && !this.loaded.has(currency)) this.loaded.set(currency, await this.book.forCurrency(currency));
    return this.trySync(rec, layout)!;
  }

  /** A settled row's payee (the service's required fields) when its currency's rules are loaded already: none is asked for it. */
  private withLoadedPayee(payout: PayoutInstruction): PayoutInstruction {
    const rule = this.loaded.get(payout.currency)?.services.get(payout.service);
    const keys = rule && requiredKeys(rule);
    if (keys) payout.payeeFields = keys;
    return payout;
  }
}
