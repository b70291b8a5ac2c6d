/** The throughput section's tables: each variant's figures, then the product's ratios and its targets. */
import { fixed, mb, table } from './format.js';
import { loadRange, loads, showSpread, spread } from './stats.js';
import { atLeast, atMost, type Verdict } from './targets.js';
import type { Runs } from './throughput.js';
import type { Variant, VariantRun } from './variants.js';

const med = (runs: VariantRun[] | undefined, pick: (r: VariantRun) => number | undefined): number | undefined => spread((runs ?? []).map(pick))?.median;

export function throughputReport(runs: Runs, label: string, rowsAt: (c: number) => number, limit: (c: number) => number): { markdown: string; verdicts: Verdict[] } {
  const lines: string[][] = [];
  for (const [c, byVariant] of runs) {
    for (const [variant, all] of byVariant) {
      const failed = all.filter((r) => !r.ok);
      lines.push([
        String(c),
        variant,
        String(rowsAt(c)),
        showSpread(spread(all.map((r) => r.rowsPerSecond))),
        fixed(med(all, (r) => r.rowsPerSecond)! / limit(c), 2),
        showSpread(spread(all.map((r) => r.cpuMsPerRow)), 3),
        fixed(med(all, (r) => r.sandboxCpuMsPerRow), 3),
        mb(med(all, (r) => r.peakRssMb)),
        loads(all.map((r) => r.load)),
        failed.length === 0 ? `all ${all.length} paid every row` : `**${failed.length} of ${all.length} did not**: ${failed.map((r) => r.outcome).join('; ')}`,
      ]);
    }
  }
  const ratios = ratioRows(runs);
  const markdown =
    table(['C', 'variant', 'rows', 'rows/s', 'median / limit', 'CPU ms/row (whole process)', 'sandbox CPU ms/row', 'peak RSS', 'load (1 min) at each run', 'runs'], lines) +
    '\n\nThe product against the others, median against median:\n\n' +
    table(['C', 'CPU per row: product / undici loop', 'rows/s: product / undici loop', 'product / got loop', 'product / Python pool'], ratios.map((r) => [String(r.c), fixed(r.cpu, 2), fixed(r.loop, 2), fixed(r.got, 2), fixed(r.python, 2)]));
  return { markdown, verdicts: throughputVerdicts(ratios, runs, label) };
}

interface Ratios {
  c: number;
  /** CPU ms a row, medians: the product's and the undici loop's. */
  cpuMs: [number | undefined, number | undefined];
  cpu: number | undefined;
  loop: number | undefined;
  got: number | undefined;
  python: number | undefined;
}

function ratioRows(runs: Runs): Ratios[] {
  return [...runs].map(([c, by]) => {
    const rate = (v: Variant): number | undefined => med(by.get(v), (r) => r.rowsPerSecond);
    const over = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a / b);
    const product = rate('product');
    const cpuMs: Ratios['cpuMs'] = [med(by.get('product'), (r) => r.cpuMsPerRow), med(by.get('undici loop'), (r) => r.cpuMsPerRow)];
    return {
      c,
      cpuMs,
      cpu: over(...cpuMs),
      loop: over(product, rate('undici loop')),
      got: over(product, rate('got loop')),
      python: over(product, rate('python pool')),
    };
  });
}

/** One verdict per target, its figures at every concurrency ("C = 8 / 32 / 128: …"); met when every one is. */
function throughputVerdicts(ratios: Ratios[], runs: Runs, label: string): Verdict[] {
  const allLoads = [...runs.values()].flatMap((by) => [...by.values()].flat().map((r) => r.load));
  const load = loadRange(allLoads);
  const verdict = (what: string, pick: (r: Ratios) => number | undefined, bound: string, test: (x: number | undefined) => boolean | undefined, only?: number[]): Verdict => {
    const chosen = ratios.filter((r) => !only || only.includes(r.c));
    const results = chosen.map((r) => test(pick(r)));
    return {
      what: `${what}, ${label}`,
      figure: chosen.length ? `C = ${chosen.map((r) => r.c).join(' / ')}: ${chosen.map((r) => fixed(pick(r), 2)).join(' / ')}` : 'n/a',
      target: bound,
      met: chosen.length === 0 || chosen.length < (only?.length ?? 0) || results.includes(undefined) ? undefined : results.every(Boolean),
      load,
    };
  };
  const atCpu = ratios.filter((r) => r.c === 32 || r.c === 128);
  const cpuMs = atCpu.length ? ` (ms: product ${atCpu.map((r) => fixed(r.cpuMs[0], 2)).join(' / ')}, loop ${atCpu.map((r) => fixed(r.cpuMs[1], 2)).join(' / ')})` : '';
  const cpu = verdict('CPU per row, product / undici loop', (r) => r.cpu, '≤ 1.5 at C = 32 and 128', (x) => atMost(x, 1.5), [32, 128]);
  return [
    { ...cpu, figure: cpu.figure + cpuMs },
    verdict('throughput, product / undici loop', (r) => r.loop, '≥ 0.95', (x) => atLeast(x, 0.95)),
    verdict('throughput, product / naive got loop', (r) => r.got, '≥ 1.0', (x) => atLeast(x, 1.0)),
    verdict('throughput, product / naive Python pool', (r) => r.python, '≥ 1.0', (x) => atLeast(x, 1.0)),
  ];
}
