/** What the service rules say about fees, for the live confirmation. */
import type { FeeRule } from '../rules/currency-rules.js';
import type { RulesBook } from '../rules/index.js';

const isZero = (v: string): boolean => /^0*(\.0*)?$/.test(v);

/**
 * One currency's fees as the rules state them: `no fees` when every service charges none, else each
 * service's rule (`payment_card_usd 1.5% + 0.30, at least 1.00`). The API prices each invoice; this
 * repeats its published rule rather than guessing the amount.
 */
export function describeFees(services: ReadonlyArray<{ code: string; fee: FeeRule | null }>): string {
  if (services.some((s) => s.fee === null)) return 'fees not known before paying (a service is not in the account\'s list)';
  const charging = services.filter((s) => !(isZero(s.fee!.rate) && isZero(s.fee!.fix)));
  if (charging.length === 0) return 'no fees (its services charge none)';
  const rules = charging.map(({ code, fee }) => {
    const parts = [isZero(fee!.rate) ? '' : `${fee!.rate}%`, isZero(fee!.fix) ? '' : fee!.fix].filter(Boolean).join(' + ');
    const bounds = [isZero(fee!.min) ? '' : `at least ${fee!.min}`, isZero(fee!.max) ? '' : `at most ${fee!.max}`].filter(Boolean).join(', ');
    return `${code} ${parts}${bounds ? `, ${bounds}` : ''}`;
  });
  return `fees set by the API per invoice: ${rules.join('; ')}`;
}

/** Per currency, what the rules say the fees of the rows left to send are. */
export async function feesOf(rules: RulesBook, sendServices: ReadonlyMap<string, ReadonlySet<string>>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [currency, codes] of sendServices) {
    const { services } = await rules.forCurrency(currency);
    out[currency] = describeFees([...codes].map((code) => ({ code, fee: services.get(code)?.fee ?? null })));
  }
  return out;
}
