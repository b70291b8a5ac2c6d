import type { PlanFacts } from './plan-file.js';

/**
 * What differs between a reviewed plan and the run about to pay, one sentence each; empty when the
 * run pays exactly what was planned. The rules may have changed since (a new limit, a new field
 * rule): what counts is that the same file, account, valid rows and totals come out. Rows the plan
 * held must still be held: a run never pays a row the reviewer saw held.
 */
export function comparePlan(plan: PlanFacts, now: PlanFacts): string[] {
  const out: string[] = [];
  if (plan.input.sha256 !== now.input.sha256) {
    out.push(`the input file changed since the plan: its SHA-256 was ${plan.input.sha256.slice(0, 12)}… (${plan.input.file}), now ${now.input.sha256.slice(0, 12)}… (${now.input.file})`);
  }
  const a = plan.api;
  const b = now.api;
  if (a.origin !== b.origin || a.account !== b.account || a.mode !== b.mode) {
    out.push(`the plan was made for ${describeApi(a)}, this run is for ${describeApi(b)}`);
  }
  if (plan.rows !== now.rows) out.push(`the plan has ${rows(plan.rows)}, the file now has ${now.rows}`);
  if (plan.validRows !== now.validRows) out.push(`the plan has ${rows(plan.validRows, 'valid ')}, the file now has ${now.validRows}`);
  const before = new Map(plan.totals.map((t) => [t.currency, t]));
  const after = new Map(now.totals.map((t) => [t.currency, t]));
  for (const currency of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const p = before.get(currency);
    const n = after.get(currency);
    if (p?.amount !== n?.amount || p?.rows !== n?.rows) {
      out.push(`${currency}: the plan totals ${p ? `${p.amount} ${currency} in ${rows(p.rows)}` : 'nothing'}, the file now totals ${n ? `${n.amount} ${currency} in ${rows(n.rows)}` : 'nothing'}`);
    }
  }
  const heldNow = new Set(now.holds.map((h) => `${h.line}\u0000${h.reference_id}`));
  const released = plan.holds.filter((h) => !heldNow.has(`${h.line}\u0000${h.reference_id}`));
  if (released.length > 0) {
    const names = released.slice(0, 5).map((h) => `${JSON.stringify(h.reference_id)} (line ${h.line})`).join(', ');
    out.push(`the plan held ${rows(released.length, 'repeat-payee ')} that this run would pay: ${names}${released.length > 5 ? ', …' : ''}`);
  }
  return out;
}

/** `1 row`, `2 valid rows`. */
function rows(n: number, kind = ''): string {
  return `${n} ${kind}row${n === 1 ? '' : 's'}`;
}

function describeApi(api: PlanFacts['api']): string {
  return `${api.origin} (key id ${api.account}, ${api.mode} mode)`;
}
