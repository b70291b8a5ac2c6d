/** The API request for a validated record: dotted columns nested into objects. Pure. */
import type { CreateInvoiceRequest, Customer } from '../payout/instruction.js';

type CustomerScalarKey = Exclude<keyof Customer, 'metadata' | 'address'>;
type Group = 'fields' | 'metadata' | 'context' | 'customer' | 'customer.address' | 'customer.metadata' | 'description' | 'callback_url' | null;
interface Route {
  group: Group;
  key: string;
}

/** Column name -> where it goes; columns repeat on every row, so each is split once. */
const routes = new Map<string, Route>();

function routeOf(column: string): Route {
  let route = routes.get(column);
  if (route) return route;
  const dot = column.indexOf('.');
  if (dot === -1) {
    route = { group: column === 'description' || column === 'callback_url' ? column : null, key: column };
  } else {
    const head = column.slice(0, dot);
    const rest = column.slice(dot + 1);
    if (head === 'fields' || head === 'metadata' || head === 'context') route = { group: head, key: rest };
    else if (head !== 'customer') route = { group: null, key: column };
    else if (rest.startsWith('address.')) route = { group: 'customer.address', key: rest.slice(8) };
    else if (rest.startsWith('metadata.')) route = { group: 'customer.metadata', key: rest.slice(9) };
    else route = { group: 'customer', key: rest };
  }
  if (routes.size < 10_000) routes.set(column, route);
  return route;
}

export function buildRequest(
  cells: Record<string, string>,
  referenceId: string,
  service: string,
  currency: string,
  amount: string,
): CreateInvoiceRequest {
  const fields: Record<string, string> = {};
  const request: CreateInvoiceRequest = { referenceId, service, currency, amount, fields };
  let customer: Customer | undefined;
  for (const column in cells) {
    const value = cells[column]!;
    const { group, key } = routeOf(column);
    switch (group) {
      case 'fields':
        fields[key] = value;
        break;
      case 'description':
        request.description = value;
        break;
      case 'callback_url':
        request.callbackUrl = value;
        break;
      case 'metadata':
        (request.metadata ??= {})[key] = value;
        break;
      case 'context':
        (request.context ??= {})[key] = value;
        break;
      case 'customer':
        (customer ??= {})[key as CustomerScalarKey] = value;
        break;
      case 'customer.address':
        ((customer ??= {}).address ??= {})[key] = value;
        break;
      case 'customer.metadata':
        ((customer ??= {}).metadata ??= {})[key] = value;
        break;
      default:
        break;
    }
  }
  if (customer) request.customer = customer;
  return request;
}
