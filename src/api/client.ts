/** One typed method per MilkyPay endpoint; I/O goes through the transport. */
import { isApiError } from './api-error.js';
import { createInvoiceBody, prerequestBody } from './json-body.js';
import { readInvoice, readInvoiceList, readInvoiceSearch, readPublicInvoice } from './invoice-readers.js';
import { readPrerequest, readService, readServicesPage } from './service-readers.js';
import { createTransport } from './transport.js';
import type { ApiClient, ApiClientOptions, Page, PayoutService } from './client-types.js';

/** Page size used to walk `/payout-services`. */
const SERVICES_PAGE_SIZE = 100;

const invoicePath = (id: string) => `/payout-invoices/${encodeURIComponent(id)}`;

export function createApiClient(opts: ApiClientOptions): ApiClient {
  const transport = createTransport(opts);
  const { send } = transport;

  async function payoutServicesPage(page: number, size = SERVICES_PAGE_SIZE): Promise<Page<PayoutService>> {
    return send(
      {
        method: 'GET',
        path: '/payout-services',
        query: { 'page[number]': String(page), 'page[size]': String(size) },
        auth: 'private',
      },
      readServicesPage,
    );
  }

  return {
    async prerequest(currency, amount) {
      return send(
        // A POST that only looks things up: retried like a GET, and its failures have no effect.
        {
          method: 'POST',
          path: '/payout-prerequest',
          body: prerequestBody(currency, opts.publicKey, amount),
          auth: 'public',
          readOnly: true,
        },
        readPrerequest,
      );
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
      return send({ method: 'GET', path: `/payout-services/${encodeURIComponent(id)}`, auth: 'private' }, readService);
    },

    async createInvoice(req) {
      return send({ method: 'POST', path: '/payout-invoices', body: createInvoiceBody(req), auth: 'private' }, readInvoice);
    },

    async processInvoice(id) {
      return send({ method: 'POST', path: `${invoicePath(id)}/process`, auth: 'private' }, readInvoice);
    },

    async getInvoice(id) {
      return send({ method: 'GET', path: invoicePath(id), auth: 'private' }, readInvoice);
    },

    async getInvoicePublic(id) {
      return send({ method: 'GET', path: invoicePath(id), query: { public_key: opts.publicKey }, auth: 'public' }, readPublicInvoice);
    },

    async findInvoiceByReference(referenceId) {
      try {
        const found = await send(
          { method: 'GET', path: '/payout-invoices', query: { 'filter[reference_id]': referenceId }, auth: 'private' },
          readInvoiceSearch,
        );
        // The filter is the server's; match exactly here too rather than trust it.
        return found.find((invoice) => invoice.referenceId === referenceId);
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
      const { invoices, after, next: link } = await send({ method: 'GET', path: '/payout-invoices', query, auth: 'private' }, readInvoiceList);
      const next = link && after ? after : undefined;
      return next !== undefined ? { invoices, next } : { invoices };
    },

    close() {
      transport.close();
    },
  };
}
