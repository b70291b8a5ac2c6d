/**
 * The API request for a validated record. Pure. Dots nest at every level, as white labels
 * document their payloads (`context.card.exp_month` is `"context":{"card":{"exp_month":"09"}}`;
 * a flat `"card.exp_month"` key is rejected there). Cells stay strings as written, except
 * `options.*` cells `true`/`false` (any case: a spreadsheet saves `TRUE`), sent as booleans.
 * `fields.*` keys stay whole: they are the service's own field names, checked against its list.
 */
import type { CreateInvoiceRequest, Customer, NestedCells } from '../payout/instruction.js';

type Head = 'fields' | 'description' | 'callback_url' | 'customer' | 'metadata' | 'context' | 'options';
interface Route {
  head: Head | null;
  /** Where the cell goes below its head: one key for `fields.*`, every dotted part otherwise. */
  path: string[];
}

/** Two columns of one row that cannot both be sent: one holds a value where the other needs an object. */
export interface NestingClash {
  /** The shorter column, e.g. `context.card`. */
  parent: string;
  /** The column below it, e.g. `context.card.exp_month`. */
  child: string;
}

export type BuiltRequest = { ok: true; request: CreateInvoiceRequest } | { ok: false; clash: NestingClash };

const NESTED = new Set<string>(['customer', 'metadata', 'context', 'options']);
const BOOLEAN = /^(?:true|false)$/i;

/** Column name -> where it goes; columns repeat on every row, so each is split once. */
const routes = new Map<string, Route>();

function routeOf(column: string): Route {
  let route = routes.get(column);
  if (route) return route;
  const dot = column.indexOf('.');
  const head = dot === -1 ? column : column.slice(0, dot);
  if (dot === -1) route = { head: head === 'description' || head === 'callback_url' ? head : null, path: [] };
  else if (head === 'fields') route = { head, path: [column.slice(dot + 1)] };
  else if (NESTED.has(head)) route = { head: head as Head, path: column.slice(dot + 1).split('.') };
  else route = { head: null, path: [] };
  if (routes.size < 10_000) routes.set(column, route);
  return route;
}

export function buildRequest(
  cells: Record<string, string>,
  referenceId: string,
  service: string,
  currency: string,
  amount: string,
): BuiltRequest {
  const fields: Record<string, string> = {};
  const request: CreateInvoiceRequest = { referenceId, service, currency, amount, fields };
  const nested: Partial<Record<Head, NestedCells>> = {};
  for (const column in cells) {
    const value = cells[column]!;
    const { head, path } = routeOf(column);
    if (head === 'fields') fields[path[0]!] = value;
    else if (head === 'description') request.description = value;
    else if (head === 'callback_url') request.callbackUrl = value;
    else if (head !== null) {
      const cell = head === 'options' && BOOLEAN.test(value) ? value.toLowerCase() === 'true' : value;
      if (!place((nested[head] ??= {}), path, cell)) return { ok: false, clash: clashOf(cells, column) };
    }
  }
  if (nested.customer) request.customer = nested.customer as Customer;
  if (nested.metadata) request.metadata = nested.metadata;
  if (nested.context) request.context = nested.context;
  if (nested.options) request.options = nested.options;
  return { ok: true, request };
}

/** Puts `value` at `path` below `root`; false when a value already sits where an object goes, or the reverse. */
function place(root: NestedCells, path: readonly string[], value: string | boolean): boolean {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined) node = define(node, key, {});
    else if (typeof next === 'object') node = next;
    else return false;
  }
  const last = path[path.length - 1]!;
  if (Object.hasOwn(node, last)) return false;
  define(node, last, value);
  return true;
}

/** An own data property, so a key such as `__proto__` is a key like any other, never the prototype. */
function define<T extends string | boolean | NestedCells>(node: NestedCells, key: string, value: T): T {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  return value;
}

/** `column` and the column filled before it whose dotted path is a prefix of its own, or the reverse. */
function clashOf(cells: Record<string, string>, column: string): NestingClash {
  for (const other in cells) {
    if (other === column) break;
    if (column.startsWith(`${other}.`)) return { parent: other, child: column };
    if (other.startsWith(`${column}.`)) return { parent: column, child: other };
  }
  return { parent: column, child: column };
}
