/**
 * Failures of the MilkyPay API as data. Retry decisions read `kind`, `status` and `effect`
 * and nothing else.
 */
export type ApiErrorKind =
  | 'http' // the server answered with a non-2xx status
  | 'timeout' // no (complete) answer in time
  | 'network' // connection refused, reset or dropped mid-answer
  | 'bad_response'; // a 2xx whose body does not have the documented shape

/** Whether the request may have changed something on the server. */
export type ApiEffect = 'none' | 'maybe';

/** The list form of the API's error body: `{"errors":[{"status","code","title","detail"}]}`. */
export interface ApiErrorItem {
  status?: string;
  code?: string;
  title?: string;
  detail?: string;
}

export interface ApiErrorInit {
  kind: ApiErrorKind;
  method: string;
  /** Path after the base URL, without the query string, e.g. `/payout-invoices`. */
  endpoint: string;
  status?: number;
  effect: ApiEffect;
  /** Milliseconds the server asked us to wait (Retry-After), when it did. */
  retryAfterMs?: number;
  items?: ApiErrorItem[];
  /** The object form of the API's error body: `{"errors":{"amount":"This value should be greater than 0."}}`. */
  fieldErrors?: Record<string, string>;
  /** Low-level code, e.g. `ECONNRESET`, `ETIMEDOUT`, `ERR_BODY_PARSE_FAILURE`. */
  cause?: string;
  message?: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly method: string;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly effect: ApiEffect;
  readonly retryAfterMs: number | undefined;
  readonly items: ApiErrorItem[];
  readonly fieldErrors: Record<string, string> | undefined;
  readonly causeCode: string | undefined;

  constructor(init: ApiErrorInit) {
    super(init.message ?? describe(init));
    this.kind = init.kind;
    this.method = init.method;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.effect = init.effect;
    this.retryAfterMs = init.retryAfterMs;
    this.items = init.items ?? [];
    this.fieldErrors = init.fieldErrors;
    this.causeCode = init.cause;
  }

  /** A stable machine code: `http_409`, `timeout`, `network`, `bad_response`. */
  get code(): string {
    return this.kind === 'http' ? `http_${this.status ?? 0}` : this.kind;
  }

  /** The API's own words, flattened to one line (field messages as `field: message`). */
  get apiMessage(): string {
    if (this.fieldErrors) {
      return Object.entries(this.fieldErrors)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
    }
    return this.items
      .map((i) => i.detail ?? i.title ?? i.status ?? i.code ?? '')
      .filter(Boolean)
      .join('; ');
  }

  /** Plain data for logs: never the request options, headers or credentials. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      code: this.code,
      method: this.method,
      endpoint: this.endpoint,
      status: this.status,
      effect: this.effect,
      retryAfterMs: this.retryAfterMs,
      apiMessage: this.apiMessage || undefined,
      cause: this.causeCode,
    };
  }
}

function describe(init: ApiErrorInit): string {
  const where = `${init.method} ${init.endpoint}`;
  switch (init.kind) {
    case 'http':
      return `${where} answered HTTP ${init.status ?? '?'}`;
    case 'timeout':
      return `${where} timed out${init.cause ? ` (${init.cause})` : ''}`;
    case 'network':
      return `${where} failed: connection ${init.cause ?? 'error'}`;
    case 'bad_response':
      return `${where} answered with an unexpected body${init.cause ? ` (${init.cause})` : ''}`;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
