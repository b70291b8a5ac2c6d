/**
 * The sandbox's invoices: O(1) by id and by reference, creation order for the list, and the
 * status transitions of processing (evaluated lazily on every read when processing is delayed).
 */
import type { Offer, Service } from './catalogue.js';
import { computeFee, maskCardNumber } from './invoice-pricing.js';
import { Decimal } from './decimal.js';
import type { JsonValue } from './json.js';
import { FINAL_STATUSES, decideOutcome, type Outcome } from './final-status.js';
import { createPrng, randomToken, stableId } from './prng.js';

export interface CreateInput {
  referenceId: string;
  offer: Offer;
  currency: string;
  /** Minor digits of `currency`. */
  digits: number;
  amount: Decimal;
  /** As sent; card numbers are masked before they are stored. */
  fields: Record<string, string>;
  description: string | null;
  callbackUrl: string | null;
  metadata: JsonValue | null;
  customerReference: string | null;
  /** The other nested objects as sent, kept for tests to see what reached the API. */
  received: ReceivedObjects;
  /** `options.auto_process: true`: processed at creation ("skip the next step"). */
  autoProcess: boolean;
}

export interface ReceivedObjects {
  customer: JsonValue | null;
  context: JsonValue | null;
  options: JsonValue | null;
}

export interface InvoiceRecord {
  readonly id: string;
  readonly serial: string;
  /** Position in creation order. */
  readonly seq: number;
  readonly referenceId: string;
  readonly service: Service;
  readonly currency: string;
  readonly digits: number;
  readonly amount: Decimal;
  readonly exchangeRate: Decimal;
  readonly serviceAmount: Decimal;
  readonly fee: Decimal;
  readonly writeoff: Decimal;
  readonly description: string | null;
  readonly callbackUrl: string | null;
  readonly metadata: JsonValue | null;
  readonly fields: Record<string, string>;
  readonly customerId: string | null;
  readonly received: ReceivedObjects;
  readonly testMode: boolean;
  readonly created: number;
  status: string;
  resolution: string;
  updated: number;
  processed: number | null;
  processedAmount: Decimal | null;
  processedFee: Decimal;
  processedWriteoff: Decimal | null;
  /** Set while processing is delayed: where it ends and when (ms). */
  pending?: { outcome: Outcome; at: number };
}

export interface StoreOptions {
  seed: number;
  testMode: boolean;
  processDelayMs: number;
  now?: () => number;
}

export interface InvoicePage {
  items: InvoiceRecord[];
  hasNewer: boolean;
  hasOlder: boolean;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export class InvoiceStore {
  private readonly list: InvoiceRecord[] = [];
  private readonly byId = new Map<string, InvoiceRecord>();
  private readonly byReference = new Map<string, InvoiceRecord>();
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly opts: StoreOptions) {
    this.random = createPrng(opts.seed ^ 0x5eed1d5);
    this.now = opts.now ?? Date.now;
  }

  create(input: CreateInput): InvoiceRecord {
    let serial = randomToken(this.random, 16);
    while (this.byId.has(`cpoi_${serial}`)) serial = randomToken(this.random, 16);
    const { service, rate } = input.offer;
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(input.fields)) {
      fields[key] = key === 'card_number' ? maskCardNumber(value) : value;
    }
    const fee = computeFee(service, input.amount, input.digits);
    const created = seconds(this.now());
    const record: InvoiceRecord = {
      id: `cpoi_${serial}`,
      serial,
      seq: this.list.length,
      referenceId: input.referenceId,
      service,
      currency: input.currency,
      digits: input.digits,
      amount: input.amount,
      exchangeRate: rate,
      serviceAmount: input.amount.mul(rate).round(service.digits),
      fee,
      writeoff: input.amount.add(fee),
      description: input.description,
      callbackUrl: input.callbackUrl,
      metadata: input.metadata,
      fields,
      customerId: input.customerReference === null ? null : stableId('cus_', `customer:${input.customerReference}`),
      received: input.received,
      testMode: this.opts.testMode,
      created,
      status: 'created',
      resolution: 'ok',
      updated: created,
      processed: null,
      processedAmount: null,
      processedFee: Decimal.ZERO,
      processedWriteoff: null,
    };
    this.list.push(record);
    this.byId.set(record.id, record);
    this.byReference.set(record.referenceId, record);
    return record;
  }

  get(id: string): InvoiceRecord | undefined {
    const record = this.byId.get(id);
    if (record) this.settle(record);
    return record;
  }

  findByReference(referenceId: string): InvoiceRecord | undefined {
    const record = this.byReference.get(referenceId);
    if (record) this.settle(record);
    return record;
  }

  /** Starts processing an invoice in `created`; final at once when there is no delay. */
  process(record: InvoiceRecord): void {
    if (record.status !== 'created') throw new Error(`cannot process an invoice in ${record.status}`);
    const outcome = decideOutcome(record.fields, this.opts.seed, record.referenceId);
    const now = this.now();
    if (this.opts.processDelayMs <= 0) {
      this.apply(record, outcome, now);
      return;
    }
    record.status = 'processing';
    record.updated = seconds(now);
    record.pending = { outcome, at: now + this.opts.processDelayMs };
  }

  /** Newest first; `after`/`before` are invoice ids; undefined when a cursor is unknown. */
  page(size: number, cursor?: { after?: string; before?: string }): InvoicePage | undefined {
    let newest = this.list.length - 1;
    let floor = 0;
    if (cursor?.after !== undefined) {
      const at = this.byId.get(cursor.after);
      if (!at) return undefined;
      newest = at.seq - 1;
    } else if (cursor?.before !== undefined) {
      const at = this.byId.get(cursor.before);
      if (!at) return undefined;
      newest = Math.min(this.list.length - 1, at.seq + size);
      floor = at.seq + 1;
    }
    const oldest = Math.max(floor, newest - size + 1);
    const items: InvoiceRecord[] = [];
    for (let i = newest; i >= oldest; i--) {
      const record = this.list[i];
      if (record) items.push(this.settled(record));
    }
    return { items, hasNewer: newest < this.list.length - 1, hasOlder: oldest > 0 && items.length > 0 };
  }

  /** Every invoice, settled, in creation order. */
  all(): InvoiceRecord[] {
    return this.list.map((r) => this.settled(r));
  }

  private settled(record: InvoiceRecord): InvoiceRecord {
    this.settle(record);
    return record;
  }

  private settle(record: InvoiceRecord): void {
    const pending = record.pending;
    if (pending && this.now() >= pending.at) {
      delete record.pending;
      this.apply(record, pending.outcome, pending.at);
    }
  }

  private apply(record: InvoiceRecord, outcome: Outcome, atMs: number): void {
    record.status = outcome.status;
    record.resolution = outcome.resolution;
    record.updated = seconds(atMs);
    if (!FINAL_STATUSES.has(outcome.status)) return;
    const amountMinor = record.amount.toMinor(record.digits) ?? 0n;
    const paidMinor =
      outcome.status === 'processed' ? amountMinor : outcome.status === 'partially_processed' ? amountMinor / 2n : 0n;
    record.processed = seconds(atMs);
    record.processedAmount = Decimal.fromMinor(paidMinor, record.digits);
    record.processedFee = paidMinor > 0n ? record.fee : Decimal.ZERO;
    record.processedWriteoff = record.processedAmount.add(record.processedFee);
  }
}
