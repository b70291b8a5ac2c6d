/** One typed method per MilkyPay endpoint; I/O goes through the transport. */
import { isApiError } from './api-error.js';
import { createInvoiceBody, prerequestBody } from './json-body.js';
import { toInvoice, toPayoutService, toPrerequest, toPublicInvoice } from './normalise.js';
import {
  invoiceListSchema,
  invoiceSchema,
  invoiceSearchSchema,
  payoutServiceSchema,
  payoutServicesPageSchema,
  prerequestSchema,
  publicInvoiceSchema,
} from './schemas.js';
import { createTransport } from './transport.js';
import type { ApiClient, ApiClientOptions, Page, PayoutService } from './client-types.js';

/** Page size used to walk `/payout-services`. */
const SERVICES_PAGE_SIZE = 100;

const invoicePath = (id: string) => `/payout-invoices/${encodeURIComponent(id)}`;

export function createApiClient(opts: ApiClientOptions): ApiClient {
  const transport = createTransport(opts);
  const { send } = transport;

  async function payoutServicesPage(page: number, size = SERVICES_PAGE_SIZE): Promise<Page<PayoutService>> {
    const body = await send(
      {
        method: 'GET',
        path: '/payout-services',
        query: { 'page[number]': String(page), 'page[size]': String(size) },
        auth: 'private',
      },
      payoutServicesPageSchema,
    );
    return { items: body.data.map(toPayoutService), page: body.meta.page, pages: body.meta.pages, total: body.meta.total };
  }

  return {
    async prerequest(currency, amount) {
      const body = await send(
        // A POST that only looks things up: retried like a GET, and its failures have no effect.
        {
          method: 'POST',
          path: '/payout-prerequest',
          body: prerequestBody(currency, opts.publicKey, amount),
          auth: 'public',
          readOnly: true,
        },
        prerequestSchema,
      );
      return toPrerequest(body);
    },

    payoutServicesPage,

    async listPayoutServices() {
      const first = await payoutServicesPage(1);
      const all = [...first.items];
      for (let page = 2; page <= first.pages; page++) {
        all.push(...(await payoutServicesPage(page)).items);
      }
      return all;
    },

    async getPayoutService(id) {
      const body = await send(
        { method: 'GET', path: `/payout-services/${encodeURIComponent(id)}`, auth: 'private' },
        payoutServiceSchema,
      );
      return toPayoutService(body.data);
    },

    async createInvoice(req) {
      const body = await send(
        { method: 'POST', path: '/payout-invoices', body: createInvoiceBody(req), auth: 'private' },
        invoiceSchema,
      );
      return toInvoice(body.data);
    },

    async processInvoice(id) {
      const body = await send({ method: 'POST', path: `${invoicePath(id)}/process`, auth: 'private' }, invoiceSchema);
      return toInvoice(body.data);
    },

    async getInvoice(id) {
      const body = await send({ method: 'GET', path: invoicePath(id), auth: 'private' }, invoiceSchema);
      return toInvoice(body.data);
    },

    async getInvoicePublic(id) {
      const body = await send(
        { method: 'GET', path: invoicePath(id), query: { public_key: opts.publicKey }, auth: 'public' },
        publicInvoiceSchema,
      );
      return toPublicInvoice(body);
    },

    async findInvoiceByReference(referenceId) {
      try {
        const body = await send(
          { method: 'GET', path: '/payout-invoices', query: { 'filter[reference_id]': referenceId }, auth: 'private' },
          invoiceSearchSchema,
        );
        // The filter is the server's; match exactly here too rather than trust it.
        const found = body.data.find((r) => r.attributes.reference_id === referenceId);
        return found ? toInvoice(found) : undefined;
      } catch (error) {
        // The doc: a 404 on a status request means there is no such transaction.
        if (isApiError(error) && error.kind === 'http' && error.status === 404) return undefined;
        throw error;
      }
    },

    async listInvoices(options = {}) {
      const query: Record<string, string> = {};
      if (options.size !== undefined) query['page[size]'] = String(options.size);
      if (options.after !== undefined) query['page[after]'] = options.after;
      const body = await send({ method: 'GET', path: '/payout-invoices', query, auth: 'private' }, invoiceListSchema);
      const invoices = body.data.map(toInvoice);
      const next = body.links.next && body.meta.after ? body.meta.after : undefined;
      return next !== undefined ? { invoices, next } : { invoices };
    },

    close() {
      transport.close();
    },
  };
}
