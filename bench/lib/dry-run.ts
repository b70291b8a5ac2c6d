/** Section 2: `run --dry-run` beside bare csv-parse streaming the same file, alternated, median against median. */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BARE, CLI, DATA, say } from './config.js';
import { writePayouts } from './data.js';
import { fixed, mb, table } from './format.js';
import { measure } from './measure.js';
import { removeRunFiles, runProduct } from './product.js';
import type { SandboxProcess } from './sandbox.js';
import { loadRange, loads, showSpread, spread } from './stats.js';
import { atLeast, verdictTable, type Verdict } from './targets.js';

interface Timed {
  wallMs: number;
  peakRssMb: number | undefined;
  load: number;
  outcome: string;
}

export async function dryRunSection(rows: number, rounds: number, sandbox: SandboxProcess, cacheDir: string): Promise<{ markdown: string; verdicts: Verdict[] }> {
  const file = join(DATA, `dry-${rows}.csv`);
  say(`dry run: generating ${rows} rows`);
  await writePayouts(file, rows, 'dry-');
  const dry: Timed[] = [];
  const bare: Timed[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const which of round % 2 === 0 ? (['dry', 'bare'] as const) : (['bare', 'dry'] as const)) {
        say(`dry run, round ${round + 1} of ${rounds}: ${which}`);
        if (which === 'dry') dry.push(await dryRun(file, sandbox, cacheDir));
        else bare.push(await bareParse(file));
      }
    }
  } finally {
    removeRunFiles(file);
  }
  const rate = (t: Timed): number => rows / (t.wallMs / 1000);
  const ratio = spread(dry.map(rate))!.median / spread(bare.map(rate))!.median;
  const line = (what: string, ts: Timed[]): string[] => [what, showSpread(spread(ts.map(rate))), showSpread(spread(ts.map((t) => t.wallMs / 1000)), 2), mb(spread(ts.map((t) => t.peakRssMb))?.median), loads(ts.map((t) => t.load)), ts[ts.length - 1]!.outcome];
  const verdicts: Verdict[] = [{ what: 'dry run / bare csv-parse, same file', figure: fixed(ratio, 2), target: '≥ 0.6', met: atLeast(ratio, 0.6), load: loadRange([...dry, ...bare].map((t) => t.load)) }];
  return {
    verdicts,
    markdown:
      `## 2. Dry run of ${rows.toLocaleString('en')} rows beside bare csv-parse (${rounds} round${rounds === 1 ? '' : 's'} each, alternated; median (min–max))\n\n` +
      table(['what', 'rows/s', 'wall s', 'peak RSS', 'load (1 min) at each run', 'outcome, last run'], [
        line('`run --dry-run` (validate every row, write the results file)', dry),
        line('bare csv-parse streaming, `columns: true`, same file, nothing else', bare),
      ]) +
      `\n\n${verdictTable(verdicts)}`,
  };
}

async function dryRun(file: string, sandbox: SandboxProcess, cacheDir: string): Promise<Timed> {
  const load = loadavg()[0]!;
  const r = await runProduct({ cli: CLI, file, concurrency: 8, sandbox, cacheDir, dryRun: true });
  const counts = Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return { wallMs: r.measured.wallMs, peakRssMb: r.measured.peakRssMb, load, outcome: `exit ${r.exitCode}${counts.length ? `, ${counts.join(', ')}` : ''}` };
}

async function bareParse(file: string): Promise<Timed> {
  const load = loadavg()[0]!;
  const m = await measure(process.execPath, [BARE, file], process.env);
  return { wallMs: m.wallMs, peakRssMb: m.peakRssMb, load, outcome: `exit ${m.code}, ${m.stdout.trim()}` };
}
