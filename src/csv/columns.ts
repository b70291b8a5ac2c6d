/**
 * Header -> standard column keys, built once per file. Pure.
 */
import type { Layout } from '../rules/input-record.js';

export type { Layout } from '../rules/input-record.js';

export const REQUIRED_COLUMNS = ['reference_id', 'service', 'currency', 'amount'] as const;
export const DASHBOARD_REQUIRED = ['service', 'service_amount', 'fields_data', 'reference_id'] as const;

/** `allow_repeat` is read by the repeat-payee guard (`yes` lets a repeat through), never sent. */
const FIXED = new Set(['reference_id', 'service', 'currency', 'amount', 'description', 'callback_url', 'allow_repeat']);
export const CUSTOMER_KEYS = new Set(['reference_id', 'name', 'email', 'phone', 'individual_tax_id', 'date_of_birth']);
export const ADDRESS_KEYS = new Set(['country', 'region', 'city', 'street', 'full_address', 'post_code']);
/** Prefixes whose key part is free (the service's fields, metadata, context). */
const FREE_PREFIXES = ['fields.', 'customer.metadata.', 'metadata.', 'context.'];

/** What one column of the file becomes in `InputRecord.cells`. */
export type ColumnTarget =
  | { kind: 'cell'; key: string }
  /** A dashboard `key:value;key:value` cell, expanded to `prefix + key`. */
  | { kind: 'object'; prefix: string }
  | { kind: 'ignored' };

export interface ColumnPlan {
  layout: Layout;
  columns: string[];
  targets: ColumnTarget[];
  ignoredColumns: string[];
  /** Required columns the header lacks. */
  missing: string[];
  /** Column names that appear more than once. */
  duplicates: string[];
}

const DASHBOARD_TARGETS: Record<string, ColumnTarget> = {
  service: { kind: 'cell', key: 'service' },
  service_amount: { kind: 'cell', key: 'amount' },
  fields_data: { kind: 'object', prefix: 'fields.' },
  reference_id: { kind: 'cell', key: 'reference_id' },
  description: { kind: 'cell', key: 'description' },
  customer: { kind: 'object', prefix: 'customer.' },
  customer_metadata: { kind: 'object', prefix: 'customer.metadata.' },
  allow_repeat: { kind: 'cell', key: 'allow_repeat' },
};

/** Whether `name` is a column of the standard layout (`fields.account`, `customer.address.city`…). */
export function isStandardColumn(name: string): boolean {
  if (FIXED.has(name)) return true;
  for (const prefix of FREE_PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) return true;
  }
  if (name.startsWith('customer.address.')) return ADDRESS_KEYS.has(name.slice('customer.address.'.length));
  if (name.startsWith('customer.')) return CUSTOMER_KEYS.has(name.slice('customer.'.length));
  return false;
}

export function isDashboardHeader(columns: readonly string[]): boolean {
  return columns.includes('service_amount') || columns.includes('fields_data');
}

/** How many of `columns` this tool understands, for telling `,` from `;`. */
export function knownColumnCount(columns: readonly string[]): number {
  const dashboard = isDashboardHeader(columns);
  let n = 0;
  for (const c of columns) if (dashboard ? c in DASHBOARD_TARGETS : isStandardColumn(c)) n++;
  return n;
}

/** The plan for a header (its cells already trimmed). */
export function planColumns(columns: string[]): ColumnPlan {
  const layout: Layout = isDashboardHeader(columns) ? 'dashboard' : 'standard';
  const targets: ColumnTarget[] = [];
  const ignoredColumns: string[] = [];
  for (const [i, name] of columns.entries()) {
    let target: ColumnTarget;
    if (layout === 'dashboard') target = Object.hasOwn(DASHBOARD_TARGETS, name) ? DASHBOARD_TARGETS[name]! : { kind: 'ignored' };
    else target = isStandardColumn(name) ? { kind: 'cell', key: name } : { kind: 'ignored' };
    if (target.kind === 'ignored') ignoredColumns.push(name === '' ? `(unnamed column ${i + 1})` : name);
    targets.push(target);
  }
  const required: readonly string[] = layout === 'dashboard' ? DASHBOARD_REQUIRED : REQUIRED_COLUMNS;
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const name of columns) {
    if (seen.has(name) && name !== '') duplicates.add(name);
    seen.add(name);
  }
  return {
    layout,
    columns,
    targets,
    ignoredColumns,
    missing: required.filter((c) => !seen.has(c)),
    duplicates: [...duplicates].filter((d) => !ignoredColumns.includes(d)),
  };
}
