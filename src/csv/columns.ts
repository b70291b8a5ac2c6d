/**
 * Header -> standard column keys, built once per file. Pure.
 */
import type { Layout } from '../rules/input-record.js';
import { canonicalColumn, typoOf } from './header-names.js';

export type { Layout } from '../rules/input-record.js';

const REQUIRED_COLUMNS = ['reference_id', 'service', 'currency', 'amount'] as const;
const DASHBOARD_REQUIRED = ['service', 'service_amount', 'fields_data', 'reference_id'] as const;

/** `allow_repeat` is read by the repeat-payee guard (`yes` lets a repeat through), never sent. */
const FIXED = new Set(['reference_id', 'service', 'currency', 'amount', 'description', 'callback_url', 'allow_repeat']);
const CUSTOMER_KEYS = new Set(['reference_id', 'name', 'email', 'phone', 'individual_tax_id', 'date_of_birth']);
const ADDRESS_KEYS = new Set(['country', 'region', 'city', 'street', 'full_address', 'post_code']);
/** Prefixes whose key part is free (the service's fields, metadata, context, processing options). */
const FREE_PREFIXES = ['fields.', 'customer.metadata.', 'metadata.', 'context.', 'options.'];
/**
 * Of those, the prefixes whose keys are sent as written. A `fields.` key is the service's and an
 * `options.` key the API's (`auto_process`): both are matched like a column name.
 */
const KEEP_KEY_PREFIXES = FREE_PREFIXES.filter((p) => p !== 'fields.' && p !== 'options.');

/** What one column of the file becomes in `InputRecord.cells`. */
export type ColumnTarget =
  | { kind: 'cell'; key: string }
  /** A dashboard `key:value;key:value` cell, expanded to `prefix + key`. */
  | { kind: 'object'; prefix: string }
  | { kind: 'ignored' };

export interface ColumnPlan {
  layout: Layout;
  /** The header cells as written (trimmed). */
  columns: string[];
  targets: ColumnTarget[];
  ignoredColumns: string[];
  /** Unknown columns within two edits of a known one: typos, refused unless ignored by name. */
  typos: Array<{ column: string; meant: string }>;
  /** Required columns `--ignore-column` named. */
  requiredIgnored: string[];
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
  // Dots nest: `context.card..x` or `context.card.` would name a key with no name.
  if (name.includes('..') || name.endsWith('.')) return false;
  for (const prefix of FREE_PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) return true;
  }
  if (name.startsWith('customer.address.')) return ADDRESS_KEYS.has(name.slice('customer.address.'.length));
  if (name.startsWith('customer.')) return CUSTOMER_KEYS.has(name.slice('customer.'.length));
  return false;
}

function isDashboardHeader(columns: readonly string[]): boolean {
  return columns.includes('service_amount') || columns.includes('fields_data');
}

/** The column a header cell names: `Reference ID` is `reference_id`. */
export function columnName(raw: string): string {
  return canonicalColumn(raw, KEEP_KEY_PREFIXES);
}

/** How many of `columns` this tool understands, for telling `,` from `;`. */
export function knownColumnCount(columns: readonly string[]): number {
  const names = columns.map(columnName);
  const dashboard = isDashboardHeader(names);
  let n = 0;
  for (const c of names) if (dashboard ? c in DASHBOARD_TARGETS : isStandardColumn(c)) n++;
  return n;
}

/** The plan for a header (its cells already trimmed); `ignore` names columns to leave out. */
export function planColumns(columns: string[], ignore: readonly string[] = []): ColumnPlan {
  const names = columns.map(columnName);
  const layout: Layout = isDashboardHeader(names) ? 'dashboard' : 'standard';
  const leftOut = new Set(ignore.map(columnName));
  const present = new Set(names);
  const required: readonly string[] = layout === 'dashboard' ? DASHBOARD_REQUIRED : REQUIRED_COLUMNS;
  const targets: ColumnTarget[] = [];
  const ignoredColumns: string[] = [];
  const typos: ColumnPlan['typos'] = [];
  for (const [i, name] of names.entries()) {
    const target = leftOut.has(name) ? IGNORED : targetOf(layout, name);
    if (target.kind === 'ignored') ignoredColumns.push(name === '' ? `(unnamed column ${i + 1})` : columns[i]!);
    if (target.kind === 'ignored' && name !== '' && !leftOut.has(name)) {
      const meant = layout === 'dashboard' ? typoOf(name, Object.keys(DASHBOARD_TARGETS), [], present) : typoOf(name, KNOWN_FIXED, FREE_PREFIXES, present);
      if (meant) typos.push({ column: columns[i]!, meant });
    }
    targets.push(target);
  }
  return {
    layout,
    columns,
    targets,
    ignoredColumns,
    typos,
    requiredIgnored: required.filter((c) => leftOut.has(c)),
    missing: required.filter((c) => !present.has(c) || leftOut.has(c)),
    duplicates: duplicatesOf(columns, names, targets),
  };
}

const IGNORED: ColumnTarget = { kind: 'ignored' };
/** Every column name of the standard layout that is not under a free prefix. */
const KNOWN_FIXED = [
  ...FIXED,
  ...[...CUSTOMER_KEYS].map((k) => `customer.${k}`),
  ...[...ADDRESS_KEYS].map((k) => `customer.address.${k}`),
];

function targetOf(layout: Layout, name: string): ColumnTarget {
  if (layout === 'dashboard') return Object.hasOwn(DASHBOARD_TARGETS, name) ? DASHBOARD_TARGETS[name]! : IGNORED;
  return isStandardColumn(name) ? { kind: 'cell', key: name } : IGNORED;
}

/** Columns read more than once, each with its spellings: `reference_id (as reference_id and Reference ID)`. */
function duplicatesOf(columns: string[], names: string[], targets: ColumnTarget[]): string[] {
  const spellings = new Map<string, string[]>();
  for (const [i, name] of names.entries()) {
    if (name === '' || targets[i]!.kind === 'ignored') continue;
    spellings.set(name, [...(spellings.get(name) ?? []), columns[i]!]);
  }
  const out: string[] = [];
  for (const [name, as] of spellings) {
    if (as.length < 2) continue;
    out.push(as.every((a) => a === name) ? name : `${name} (as ${as.join(' and ')})`);
  }
  return out;
}
