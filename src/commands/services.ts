import { isApiError } from '../api/api-error.js';
import type { ArgsOf, SERVICES_OPTIONS } from '../cli-options.js';
import { adviceFor } from '../api-advice.js';
import { UsageError, type ExitCode } from '../errors.js';
import { openContext, type CommonArgs, type Io } from '../wiring.js';

export type ServicesArgs = CommonArgs & ArgsOf<typeof SERVICES_OPTIONS>;

/** `services [--currency C]`: what the account can pay out, with limits and field rules. */
export async function servicesCommand(args: ServicesArgs, io: Io): Promise<ExitCode> {
  const currency = args.currency?.toUpperCase();
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
    throw new UsageError('bad_option', `--currency takes a 3-letter currency code such as USD or EUR (got ${JSON.stringify(args.currency)})`);
  }
  const ctx = await openContext({ ...args, refreshServices: args.refreshServices ?? false }, io);
  try {
    if (currency) {
      const rules = await ctx.rules.forCurrency(currency);
      const services = [...rules.services.values()];
      if (services.length === 0 && !args.json) {
        io.stdout.write(`No service is offered for ${currency} on this account. \`services\` without --currency lists every service.\n`);
        return 0;
      }
      if (args.json) {
        io.stdout.write(`${JSON.stringify(services.map((s) => ({ ...s, fields: s.fields.map((f) => ({ key: f.key, required: f.required, regexp: f.source })) })), null, 2)}\n`);
        return 0;
      }
      for (const s of services) {
        const flags = [s.enabled ? '' : 'disabled', s.available ? '' : 'unavailable', s.known ? '' : 'not in /payout-services'].filter(Boolean).join(', ');
        io.stdout.write(`${s.code}  ${s.currency} (service ${s.serviceCurrency}, rate ${s.exchangeRate})  ${s.amountMin}..${s.amountMax}${flags ? `  [${flags}]` : ''}\n`);
        for (const f of s.fields) io.stdout.write(`    fields.${f.key}${f.required ? ' (required)' : ''}  ${f.source || '(any)'}\n`);
      }
      return 0;
    }
    const all = await ctx.api.listPayoutServices();
    if (args.json) {
      io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      return 0;
    }
    for (const s of all) {
      const flags = [s.enabled ? '' : 'disabled', s.available ? '' : 'unavailable'].filter(Boolean).join(', ');
      io.stdout.write(`${s.service}  ${s.serviceCurrency}  ${s.amountMin}..${s.amountMax}  fee ${s.feeRate}% + ${s.feeFix}${flags ? `  [${flags}]` : ''}\n`);
    }
    return 0;
  } catch (error) {
    throw isApiError(error) ? Object.assign(adviceFor(error, ctx.config.apiUrl), { cause: error }) : error;
  } finally {
    await ctx.close();
  }
}
