/**
 * What one row pays: the checked instruction and the create request that carries it. Domain
 * types of the core; the API client sends them, the rules build them.
 */

/** Cells nested by the dots of their column names: `context.card.exp_month` is `{card: {exp_month}}`. */
export interface NestedCells {
  [key: string]: string | boolean | NestedCells;
}

export interface Customer {
  reference_id?: string;
  name?: string;
  email?: string;
  phone?: string;
  individual_tax_id?: string;
  date_of_birth?: string;
  metadata?: NestedCells;
  address?: Record<string, string>;
}

export interface CreateInvoiceRequest {
  referenceId: string;
  service: string;
  currency: string;
  /** Exact decimal string; sent as a JSON number literal with exactly these digits. */
  amount: string;
  fields: Record<string, string>;
  description?: string;
  callbackUrl?: string;
  customer?: Customer;
  metadata?: NestedCells;
  context?: NestedCells;
  /** Processing parameters (`options.auto_process`); `true`/`false` cells are booleans. */
  options?: NestedCells;
}

export interface PayoutInstruction {
  line: number;
  referenceId: string;
  service: string;
  currency: string;
  /** Exact, with the currency's digits (`10.5` USD -> `10.50`). */
  amount: string;
  request: CreateInvoiceRequest;
  /**
   * Who is paid: the keys of the service's required fields (optional extras left out). Absent when
   * the row was checked without the service rules (a settled row), or the service requires none.
   */
  payeeFields?: readonly string[];
}
