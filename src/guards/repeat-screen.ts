/**
 * The repeat-payee guard in a run: the check asks it of every valid row (holds shown by the dry
 * run and the plan); the paying pass asks again for the rows to send, batch by batch under the ledger lock, and the
 * same step writes (and fsyncs) the ledger entries of the rows about to be sent, before the journal
 * records their intent and before any create: a crash can leave the ledger holding a payout that
 * was never made (a false hold a person can release), never a payout it does not know about.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { environment } from '../config.js';
import { UsageError } from '../errors.js';
import type { LedgerEntry, LedgerEntryV2 } from '../ledger/ledger-entry.js';
import { accountFolder, ledgerRoot, type LedgerAccount } from '../ledger/ledger-location.js';
import { DEFAULT_REPEAT_WINDOW, parseRepeatWindow } from '../ledger/repeat-window.js';
import { openLedger, type Ledger } from '../ledger/ledger-store.js';
import { RepeatGuard, type RepeatCandidate, type RepeatVerdict } from '../ledger/repeat-guard.js';
import type { RepeatIndex } from '../ledger/repeat-check.js';
import { LedgerError } from '../ledger/ledger-errors.js';
import type { LedgerFiles } from '../ledger/ledger-write.js';
import { DEFAULT_REPEAT_KEY, type RepeatKey } from '../ledger/repeat-key.js';
import { canonicalAmount } from '../money.js';
import { identityOf, partsIdentity } from '../ledger/repeat-signature.js';
import type { Logger } from '../log.js';
import type { Outcome } from '../payout/outcome.js';
import type { PayoutInstruction } from '../rules/index.js';

export interface RepeatSettings {
  /** Where the ledgers live (the account's folder is made under it). */
  ledgerRoot: string;
  /** 0 turns the check off (payouts are still recorded). */
  windowMs: number;
  /** As the operator wrote it (`3d`), for messages. */
  windowText: string;
  /** `--allow-repeat`. */
  allowAll: boolean;
  /** `--repeat-key`: the parts that make two rows the same payout (default: all). */
  key?: RepeatKey;
  /** `--allow-repeat-of`: references let through; each must name a row of the file. */
  allowRepeatOf?: readonly string[];
  /** Clock, for tests. */
  now?: () => number;
  /** How the ledger file is appended to (tests inject short writes and full disks). */
  files?: LedgerFiles;
}

/** On, 3 days, the ledger in the tool's data folder (`MILKYPAY_LEDGER_DIR` or the XDG data home). */
export function defaultRepeatSettings(): RepeatSettings {
  return { ledgerRoot: ledgerRoot(environment(), process.cwd()), windowMs: parseRepeatWindow(DEFAULT_REPEAT_WINDOW, 'the default window'), windowText: DEFAULT_REPEAT_WINDOW, allowAll: false };
}

/**
 * Which ledger a run uses, as the rerun's checkpoint remembers it (a digest of its secret, or
 * `none`): a ledger deleted or replaced since makes the rerun take the full path, which repairs it.
 */
export async function ledgerIdentity(settings: RepeatSettings, account: LedgerAccount): Promise<string> {
  const secret = await readFile(join(accountFolder(settings.ledgerRoot, account), 'secret')).catch(() => undefined);
  return secret ? createHash('sha256').update(secret).digest('hex').slice(0, 16) : 'none';
}

export interface ScreenRow {
  payout: PayoutInstruction;
  /** The row's own `allow_repeat` cell says yes (`allowRepeatCell`). */
  allowRepeat: boolean;
  /** The journal already holds this reference: a rerun, never a repeat. */
  journaled: boolean;
  /** The row will be sent in this run (not settled in the journal). */
  sends: boolean;
}

/**
 * Outcomes after which a payout holds nothing: no money moved for it and no rerun of its file will
 * send it under that reference. `error` and `not_started` rows keep holding: a rerun of their file
 * sends them, so paying their payee from another file meanwhile would pay twice.
 */
const VOID_OUTCOMES: ReadonlySet<Outcome> = new Set(['failed', 'rejected', 'conflict', 'reissued']);

/** After this outcome the payout holds its payee no more (`settle` records that in the ledger). */
export function voidsPayout(outcome: Outcome): boolean {
  return VOID_OUTCOMES.has(outcome);
}

/** The row's own `allow_repeat` cell lets it repeat a payout. */
export function allowRepeatCell(cells: Readonly<Record<string, string>>): boolean {
  return cells.allow_repeat?.trim().toLowerCase() === 'yes';
}

export class RepeatScreen {
  readonly #ledger: Ledger;
  readonly #settings: RepeatSettings;
  readonly #file: string;
  readonly #log: Logger;
  #firstPass: RepeatGuard | undefined;
  #secondPass: RepeatGuard | undefined;
  /**
   * References this run recorded in the ledger whose rows have not ended yet (the index does not
   * hold this run's own entries): a row in flight, so at most a few batches of them.
   */
  readonly #recorded = new Set<string>();
  /** Void entries waiting for the ledger step under way; written together in the next one. */
  #pendingVoids: PendingVoid[] = [];
  readonly #allowRefs: ReadonlySet<string>;
  /** The `--allow-repeat-of` references seen as valid rows of the file. */
  readonly #allowSeen = new Set<string>();
  #voiding: Promise<void> | undefined;
  /** A step recorded rows to send: from then on a ledger failure is an exit 3 (a rerun resumes). */
  #mayHaveSent = false;
  /** Payouts the journal holds that the ledger lacked, recorded again by this run (see `repair`). */
  #repaired = 0;
  /** The batch's rows as `check` keyed them (two keyed hashes a row), for `repair` to reuse; emptied by `endBatch`. */
  readonly #checked = new Map<PayoutInstruction, RepeatCandidate>();

  private constructor(ledger: Ledger, settings: RepeatSettings, input: string, log: Logger) {
    this.#ledger = ledger;
    this.#settings = settings;
    this.#file = basename(input);
    this.#log = log;
    this.#allowRefs = new Set(settings.allowRepeatOf ?? []);
  }

  static async open(settings: RepeatSettings, account: LedgerAccount, input: string, log: Logger): Promise<RepeatScreen> {
    // Entries older than the window can hold nothing in this run: the index keeps only their reference.
    const since = (settings.now ?? Date.now)() - settings.windowMs;
    const ledger = await openLedger(settings.ledgerRoot, account, { onWarning: (m) => log.warn(m), since, windowMs: settings.windowMs, key: settings.key ?? DEFAULT_REPEAT_KEY, ...(settings.files ? { files: settings.files } : {}), ...(settings.now ? { now: settings.now } : {}) });
    const legacy = ledger.index.legacyEntries;
    if (legacy > 0 && settings.windowMs > 0) {
      log.warn(
        { ledger: ledger.dir, entries: legacy },
        `the repeat-payee ledger holds ${legacy} payouts in the window recorded by an earlier version: they are compared on the payee fields exactly as sent (not normalised) and hold a row whatever its description`,
      );
    }
    return new RepeatScreen(ledger, settings, input, log);
  }

  get ledgerDir(): string {
    return this.#ledger.dir;
  }

  /** The check (dry run, plan, the gates): the ledger as it was when the run started. */
  check({ payout, allowRepeat, journaled }: ScreenRow): RepeatVerdict {
    this.#firstPass ??= this.#guard();
    if (this.#allowRefs.has(payout.referenceId)) this.#allowSeen.add(payout.referenceId);
    const candidate = this.#candidate(payout, allowRepeat, journaled);
    this.#checked.set(payout, candidate);
    return this.#firstPass.check(candidate);
  }

  /** The check is done with the batch's rows. */
  endBatch(): void {
    this.#checked.clear();
  }

  /** After the check: an `--allow-repeat-of` reference that names no valid row is a mistake (exit 2). */
  assertAllowancesUsed(): void {
    const unused = [...this.#allowRefs].filter((ref) => !this.#allowSeen.has(ref));
    if (unused.length === 0) return;
    throw new UsageError(
      'bad_option',
      `--allow-repeat-of names ${unused.map((r) => JSON.stringify(r)).join(', ')}, which ${unused.length === 1 ? 'is not the reference of a valid row' : 'are not references of valid rows'} of ${this.#file}; nothing was sent. Check the reference against the results CSV`,
    );
  }

  /**
   * The paying pass, one batch of rows to send in file order: checks each row against the ledger as it is now (other
   * runs may have paid since the check) and records the rows about to be sent, in one step.
   */
  async screen(rows: readonly ScreenRow[]): Promise<RepeatVerdict[]> {
    this.#firstPass?.close(); // its rows-seen set is not needed any more
    this.#firstPass = undefined;
    const guard = (this.#secondPass ??= this.#guard());
    // A batch that sends nothing (a rerun's settled rows, all journaled, never held) needs no
    // locked ledger step: the guard only notes its rows, in file order, for the rows after them.
    if (!rows.some((row) => row.sends)) return rows.map((row) => guard.check(this.#candidate(row.payout, row.allowRepeat, row.journaled)));
    let verdicts: RepeatVerdict[] = [];
    let entries: LedgerEntry[] = [];
    await this.#step((index) => {
      entries = [];
      verdicts = rows.map((row) => {
        const candidate = this.#candidate(row.payout, row.allowRepeat, row.journaled);
        const verdict = guard.check(candidate);
        if (row.sends && !verdict.held && !index.has(candidate.ref, candidate)) entries.push(this.#entry('paid', candidate));
        return verdict;
      });
      return entries;
    });
    this.#mayHaveSent = true;
    for (const e of entries) this.#recorded.add(e.ref);
    return verdicts;
  }

  /** A ledger step; a ledger that cannot do its job stops the run: exit 2 while this run has sent nothing, else 3. */
  #step(decide: (index: RepeatIndex) => LedgerEntry[]): Promise<void> {
    return this.#ledger.update(decide).catch((error: unknown) => {
      throw error instanceof LedgerError ? error.afterSending(this.#mayHaveSent) : error;
    });
  }

  /**
   * Self-repair, one locked ledger step for a batch of a rerun, before any row is screened or sent:
   * the payouts the file's journal holds as made (or on their way) for these very rows, which the
   * ledger lacks (its folder deleted or moved, a disk that filled up under an earlier version), are
   * recorded again, stamped with when the journal last saw them.
   */
  async repair(rows: readonly { payout: PayoutInstruction; at: string }[]): Promise<void> {
    const since = this.#settings.windowMs > 0 ? (this.#settings.now ?? Date.now)() - this.#settings.windowMs : -Infinity;
    // The keys `check` made, unless the ledger's secret changed since (a ledger the step creates keys payees anew).
    const keys = this.#ledger.keys;
    const keyed = (list: typeof rows) => list.map((r) => ({ ...r, candidate: (this.#ledger.keys === keys && this.#checked.get(r.payout)) || this.#candidate(r.payout, false, false) }));
    const lacks = (index: RepeatIndex) => (row: { candidate: RepeatCandidate }): boolean => this.#heldBy(index, row.candidate).length === 0;
    const lacking = keyed(rows.filter((r) => Date.parse(r.at) >= since)).filter(lacks(this.#ledger.index));
    if (lacking.length === 0) return;
    let added: LedgerEntry[] = [];
    await this.#step((index) => (added = keyed(lacking).filter(lacks(index)).map((r) => ({ ...this.#entry('paid', r.candidate), at: r.at }))));
    for (const e of added) this.#recorded.add(e.ref);
    this.#repaired += added.length;
  }

  /** A row's final outcome: a payout that failed or never happened stops holding its payee. */
  settle(payout: PayoutInstruction, outcome: Outcome): void {
    const recorded = this.#recorded.delete(payout.referenceId);
    if (!VOID_OUTCOMES.has(outcome)) return;
    const candidate = this.#candidate(payout, false, false);
    // Only a payout the ledger holds needs a void: one this run recorded, or one the index read from
    // the ledger. A row that holds nothing (a rerun's conflict, a payout made before the ledger
    // existed) costs no locked ledger step; one recorded meanwhile by another file's run is not this
    // row's to void.
    if (!recorded && this.#heldBy(this.#ledger.index, candidate).length === 0) return;
    this.#pendingVoids.push({ entry: this.#entry('void', candidate), candidate, outcome, recorded });
    this.#voiding ??= this.#writeVoids();
  }

  /** Waits for the ledger updates `settle` started, compacts the ledger if this run grew it past its bound, and releases the rows-seen sets. */
  async flush(): Promise<void> {
    await this.#voiding;
    if (this.#repaired > 0) {
      this.#log.warn({ ledger: this.#ledger.dir, added: this.#repaired }, `the repeat-payee ledger lacked ${this.#repaired} payouts this file's journal holds as made: recorded them again`);
    }
    try {
      await this.#ledger.finish().catch((error: unknown) => {
        throw error instanceof LedgerError ? error.afterSending(this.#mayHaveSent) : error;
      });
    } finally {
      this.close();
    }
  }

  /** Releases the rows-seen sets (a dry run's, or after the run). */
  close(): void {
    this.#firstPass?.close();
    this.#secondPass?.close();
    this.#ledger.close();
  }

  /** One ledger step for all the voids waiting, then the next for those that came meanwhile. */
  async #writeVoids(): Promise<void> {
    while (this.#pendingVoids.length > 0) {
      const batch = this.#pendingVoids;
      this.#pendingVoids = [];
      await this.#ledger
        // Recorded by this run, or by an earlier one and not void yet: nothing else needs a void.
        .update((index) => batch.flatMap((v) => this.#voidsOf(index, v)))
        .catch((error: unknown) => {
          for (const { entry, outcome } of batch) {
            this.#log.warn({ ref: entry.ref, err: (error as Error).message }, `could not record in the ledger that ${entry.ref} ended ${outcome}: it may hold a later payout to this payee as a repeat`);
          }
        });
    }
    this.#voiding = undefined;
  }

  /** The voids one settled row needs: its own entry if this run wrote it, and those the ledger holds for it. */
  #voidsOf(index: Ledger['index'], v: PendingVoid): LedgerEntry[] {
    const held = this.#heldBy(index, v.candidate).map((e) => ({ ...e, kind: 'void' as const, at: v.entry.at }));
    const own = v.recorded && !held.some((e) => e.v === 2 && identityOf(e) === identityOf(v.entry));
    return own ? [...held, v.entry] : held;
  }

  /** The live entries recording this very payout under its reference (a version-1 one by its own key). */
  #heldBy(index: Ledger['index'], row: RepeatCandidate): LedgerEntry[] {
    const v2 = partsIdentity(row);
    const entries = index.liveUnder(row.ref).filter((e) => e.currency === row.currency && canonicalAmount(e.amount) === canonicalAmount(row.amount));
    if (entries.length === 0) return entries;
    const v1 = entries.some((e) => e.v === 1) ? identityOf({ v: 1, kind: 'paid', ref: row.ref, payee: row.legacyPayee!(), currency: row.currency, amount: row.amount, at: '', file: '' }) : '';
    return entries.filter((e) => identityOf(e) === (e.v === 1 ? v1 : v2));
  }

  #guard(): RepeatGuard {
    const now = (this.#settings.now ?? Date.now)();
    return new RepeatGuard(this.#ledger.index, { windowMs: this.#settings.windowMs, windowText: this.#settings.windowText, now });
  }

  /** The row as the guard compares it: the payee is the service's required fields (see PayoutInstruction.payeeFields). */
  #candidate(payout: PayoutInstruction, allowRepeat: boolean, journaled: boolean): RepeatCandidate {
    const keys = this.#ledger.keys;
    const fields = payout.request.fields;
    const ref = payout.referenceId;
    return {
      ref,
      line: payout.line,
      service: payout.service,
      payee: keys.payee(payout.payeeFields ? pick(fields, payout.payeeFields) : fields),
      currency: payout.currency,
      amount: payout.amount,
      desc: keys.description(payout.request.description),
      legacyPayee: () => this.#ledger.payeeKey({ service: payout.service, fields }),
      allowRepeat: this.#settings.allowAll || journaled || this.#allowRefs.has(ref) || allowRepeat,
    };
  }

  #entry(kind: LedgerEntry['kind'], row: RepeatCandidate): LedgerEntryV2 {
    const at = new Date((this.#settings.now ?? Date.now)()).toISOString();
    return { v: 2, kind, ref: row.ref, service: row.service, payee: row.payee, currency: row.currency, amount: row.amount, desc: row.desc, at, file: this.#file };
  }
}

interface PendingVoid {
  entry: LedgerEntryV2;
  candidate: RepeatCandidate;
  outcome: Outcome;
  recorded: boolean;
}

function pick(fields: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (fields[k] !== undefined) out[k] = fields[k];
  return out;
}
