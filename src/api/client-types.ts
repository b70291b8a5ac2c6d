/**
 * The typed surface of the MilkyPay Payouts API client. Money is a decimal string
 * (`"10.55"`), never a JS number: the client converts at the edge.
 */
import type { CreateInvoiceRequest } from '../payout/instruction.js';
import type { PayoutService, Prerequest } from '../rules/service-lists.js';

export type { CreateInvoiceRequest, Customer } from '../payout/instruction.js';
export type { FieldRule, PayoutService, Prerequest, PrerequestService } from '../rules/service-lists.js';

export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

/** An invoice, normalised from either the private JSON:API shape or the public flat shape. */
export interface Invoice {
  id: string;
  referenceId: string | null; // the public shape does not carry it
  status: string; // the provider's word; unknown words are kept as they are
  resolution: string | null;
  service: string | null;
  currency: string;
  amount: string;
  serviceCurrency: string | null;
  serviceAmount: string | null;
  fee: string | null;
  processedAmount: string | null;
  testMode: boolean;
  /** Fields as the API returns them (card numbers already masked by the API). */
  fields: Record<string, string>;
  created: number | null;
  updated: number | null;
}

export interface InvoiceListPage {
  invoices: Invoice[];
  /** Cursor for the next page (`page[after]`), absent on the last page. */
  next?: string;
}

export interface ApiClient {
  prerequest(currency: string, amount?: string): Promise<Prerequest>;
  /** Every page of `/payout-services`, following `meta.pages`. */
  listPayoutServices(): Promise<PayoutService[]>;
  payoutServicesPage(page: number, size?: number): Promise<Page<PayoutService>>;
  getPayoutService(id: string): Promise<PayoutService>;
  createInvoice(req: CreateInvoiceRequest): Promise<Invoice>;
  processInvoice(id: string): Promise<Invoice>;
  getInvoice(id: string): Promise<Invoice>;
  /** The public API's flat shape, authenticated by the public key. */
  getInvoicePublic(id: string): Promise<Invoice>;
  /** `GET /payout-invoices?filter[reference_id]=…`: the invoice, or undefined when there is none. */
  findInvoiceByReference(referenceId: string): Promise<Invoice | undefined>;
  listInvoices(opts?: { size?: number; after?: string }): Promise<InvoiceListPage>;
  close(): void;
}

export interface RetryEvent {
  method: string;
  endpoint: string;
  attempt: number;
  delayMs: number;
  /** Our mapped error (never the HTTP client's own, which may carry request details). */
  error: import('./api-error.js').ApiError;
}

export interface ApiClientOptions {
  baseUrl: string; // up to and including `/api`
  publicKey: string;
  keyId: string;
  secretKey: string;
  /** Per-attempt deadline, from asking for a connection to the last byte of the answer; default 30 s. */
  timeoutMs?: number;
  /** Retries the client makes by itself where a retry cannot pay twice; default 3. */
  retryLimit?: number;
  /** First retry delay when the server gave no Retry-After; it doubles up to 8 times this. Default 250 ms. */
  retryBaseDelayMs?: number;
  /** The longest Retry-After honoured, in ms; default 60 s. A longer one ends the call with that wait in the error. */
  maxRetryAfterMs?: number;
  /** Waits before a retry; default a timer. Tests pass one that notes the wait and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Awaited before every request, retries included (rate limiting). */
  beforeRequest?: () => Promise<void>;
  /** Told about every retry, before its delay. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Told about every HTTP answer (status) and failure, for adaptive throttling; `readOnly`: the
   * request changes nothing (a 429 to a create or process may be a duplicate, not throttling).
   */
  onResponse?: (status: number, readOnly: boolean) => void;
  /** Most connections open at once (keep-alive); default 256. */
  maxSockets?: number;
}
