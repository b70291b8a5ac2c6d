/** `/payout-prerequest`, `/payout-services` and `/payout-services/{id}`. */
import { Decimal, currencyDigits } from './decimal.js';
import { errorReply, fieldErrors } from './error-bodies.js';
import { MAX_PAGE_SIZE, pageParam, privateAuth, type ParsedRequest, type Reply, type SandboxContext } from './handler-context.js';
import { JsonNumber, isJsonObject } from './json.js';
import { prerequestData, serviceResource } from './shapes.js';

export function prerequest(ctx: SandboxContext, req: ParsedRequest): Reply {
  const body = req.body;
  if (!isJsonObject(body)) return errorReply(400, 'invalid_request', 'The body must be a JSON object.');
  if (body['public_key'] !== ctx.credentials.publicKey) return errorReply(401);
  const currency = body['currency'];
  if (currency === undefined || currency === null || currency === '') {
    return fieldErrors({ currency: 'This value should not be blank.' });
  }
  if (typeof currency !== 'string' || currencyDigits(currency) === undefined) {
    return fieldErrors({ currency: 'This value is not valid.' });
  }
  let amount: Decimal | undefined;
  const rawAmount = body['amount'];
  if (rawAmount !== undefined && rawAmount !== null) {
    if (!(rawAmount instanceof JsonNumber)) return fieldErrors({ amount: 'This value should be of type numeric.' });
    amount = Decimal.parse(rawAmount.value);
    if (!amount) return fieldErrors({ amount: 'This value is not valid.' });
    if (!amount.isPositive()) return fieldErrors({ amount: 'This value should be greater than 0.' });
  }
  const data = prerequestData(currency, amount, ctx.catalogue.offersFor(currency), ctx.testMode);
  return { status: 200, body: { data } };
}

function servicesLink(page: number, size: number): string {
  return `/api/payout-services?page[number]=${page}&page[size]=${size}`;
}

export function listServices(ctx: SandboxContext, req: ParsedRequest): Reply {
  if (privateAuth(req.authorization, ctx.credentials) !== 'private') return errorReply(401);
  const page = pageParam(req.query.get('page[number]'), 1);
  const size = pageParam(req.query.get('page[size]'), ctx.servicesPageSize, MAX_PAGE_SIZE);
  if (page === 'invalid' || size === 'invalid') {
    return errorReply(400, 'invalid_parameter', 'page[number] and page[size] must be positive integers.');
  }
  const all = ctx.catalogue.services;
  const pages = Math.max(1, Math.ceil(all.length / size));
  const data = all.slice((page - 1) * size, page * size).map((s) => serviceResource(s, ctx.testMode));
  return {
    status: 200,
    body: {
      meta: { total: all.length, pages, page },
      links: {
        first: servicesLink(1, size),
        next: page < pages ? servicesLink(page + 1, size) : undefined,
        last: servicesLink(pages, size),
      },
      data,
    },
  };
}

export function getService(ctx: SandboxContext, req: ParsedRequest): Reply {
  if (privateAuth(req.authorization, ctx.credentials) !== 'private') return errorReply(401);
  const service = ctx.catalogue.byServiceId(req.id ?? '');
  if (!service) return errorReply(404);
  return { status: 200, body: { data: serviceResource(service, ctx.testMode) } };
}
