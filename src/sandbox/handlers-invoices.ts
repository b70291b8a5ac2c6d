/** `/payout-invoices`: create, process, get (private and public shapes) and the cursor list. */
import { bump } from './counters.js';
import { errorReply, fieldErrors } from './error-bodies.js';
import { MAX_PAGE_SIZE, pageParam, privateAuth, type ParsedRequest, type Reply, type SandboxContext } from './handler-context.js';
import type { InvoiceRecord } from './invoices.js';
import { isJsonObject } from './json.js';
import { invoiceResource, publicInvoice } from './shapes.js';
import { validateCreate } from './validate-create.js';

const DEFAULT_LIST_SIZE = 20;

/** `private`, `public` (right public key, no Authorization header) or undefined (401). */
function readAccess(ctx: SandboxContext, req: ParsedRequest): 'private' | 'public' | undefined {
  const auth = privateAuth(req.authorization, ctx.credentials);
  if (auth === 'private') return 'private';
  if (auth === 'none' && req.query.get('public_key') === ctx.credentials.publicKey) return 'public';
  return undefined;
}

export function createInvoice(ctx: SandboxContext, req: ParsedRequest): Reply {
  if (privateAuth(req.authorization, ctx.credentials) !== 'private') return errorReply(401);
  const data = isJsonObject(req.body) ? req.body['data'] : undefined;
  const attrs = isJsonObject(data) ? data['attributes'] : undefined;
  if (!isJsonObject(attrs)) {
    return errorReply(400, 'invalid_request', 'The body must be {"data":{"type":"payout-invoice","attributes":{…}}}.');
  }
  const ref = attrs['reference_id'];
  if (typeof ref === 'string' && ref !== '') {
    const existing = ctx.store.findByReference(ref);
    if (existing) {
      return errorReply(409, 'duplicate_reference_id', `Invoice with reference_id ${ref} already exists`);
    }
  }
  const result = validateCreate(attrs, ctx.catalogue);
  if (!result.ok) return fieldErrors(result.errors);
  const record = ctx.store.create(result.input);
  bump(ctx.counters.invoicesCreated, record.referenceId);
  if (result.input.autoProcess) ctx.store.process(record);
  return { status: 201, body: { data: invoiceResource(record, { callbackLogs: true }) } };
}

export function processInvoice(ctx: SandboxContext, req: ParsedRequest): Reply {
  if (privateAuth(req.authorization, ctx.credentials) !== 'private') return errorReply(401);
  const record = ctx.store.get(req.id ?? '');
  if (!record) return errorReply(404);
  if (record.status !== 'created') {
    return errorReply(
      409,
      'invalid_status',
      `Invoice ${record.id} is in status ${record.status}; only an invoice in status created can be processed.`,
    );
  }
  ctx.store.process(record);
  bump(ctx.counters.processed, record.referenceId);
  return { status: 200, body: { data: invoiceResource(record, { callbackLogs: true }) } };
}

export function getInvoice(ctx: SandboxContext, req: ParsedRequest): Reply {
  const access = readAccess(ctx, req);
  if (!access) return errorReply(401);
  const record = ctx.store.get(req.id ?? '');
  if (!record) return errorReply(404);
  const data = access === 'private' ? invoiceResource(record, { callbackLogs: true }) : publicInvoice(record);
  return { status: 200, body: { data } };
}

function listLink(cursor: 'after' | 'before', id: string, size: number): string {
  return `/api/payout-invoices?page[${cursor}]=${encodeURIComponent(id)}&page[size]=${size}`;
}

export function listInvoices(ctx: SandboxContext, req: ParsedRequest): Reply {
  const access = readAccess(ctx, req);
  if (!access) return errorReply(401);
  const size = pageParam(req.query.get('page[size]'), DEFAULT_LIST_SIZE, MAX_PAGE_SIZE);
  if (size === 'invalid') return errorReply(400, 'invalid_parameter', 'page[size] must be a positive integer.');
  const shape = (r: InvoiceRecord): object =>
    access === 'private' ? invoiceResource(r, { callbackLogs: false }) : publicInvoice(r);

  const reference = req.query.get('filter[reference_id]');
  let items: InvoiceRecord[];
  let next = '';
  let prev = '';
  if (reference !== null) {
    const found = ctx.store.findByReference(reference);
    items = found ? [found] : [];
  } else {
    const after = req.query.get('page[after]') ?? undefined;
    const before = req.query.get('page[before]') ?? undefined;
    const page = ctx.store.page(size, { after, before });
    if (!page) return errorReply(400, 'invalid_parameter', 'page[after] / page[before] names no invoice.');
    items = page.items;
    const first = items[0];
    const last = items[items.length - 1];
    if (page.hasOlder && last) next = listLink('after', last.id, size);
    if (page.hasNewer && first) prev = listLink('before', first.id, size);
  }
  return {
    status: 200,
    body: {
      meta: { count: items.length, size, before: items[0]?.id ?? null, after: items[items.length - 1]?.id ?? null },
      links: { prev, next },
      data: items.map(shape),
    },
  };
}
