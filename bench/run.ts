/**
 * `npm run bench`: every figure of issue 20 §2 from one run, each with the machine's load and its
 * target marked met or missed: throughput and CPU per row beside a bare undici loop and naive
 * clients (quiet and loaded), the dry run beside bare csv-parse, memory, reruns of a finished
 * batch, a run after a long ledger history, and the reply checking's share of a profiled run.
 * Writes bench/results.md and bench/readme-table.md (the README's speed table) when every section
 * ran at full size; `--quick` and `--only` print and write bench/data/partial-results.md instead.
 * Options: lib/options.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA, ROOT, say } from './lib/config.js';
import { fixed } from './lib/format.js';
import { machine } from './lib/machine.js';
import { rssMethod } from './lib/measure.js';
import { benchOptions, type BenchOptions } from './lib/options.js';
import { runSections, type Sections } from './lib/sections.js';
import { readmeTable, verdictTable } from './lib/targets.js';

async function main(): Promise<void> {
  const o = benchOptions(process.argv.slice(2), process.env);
  mkdirSync(DATA, { recursive: true });
  const cacheDir = mkdtempSync(join(tmpdir(), 'milkypay-bench-cache-'));
  const started = performance.now();
  const load0 = loadavg();
  const startedAt = new Date();
  let done: Sections;
  try {
    done = await runSections(o, cacheDir);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const wallS = (performance.now() - started) / 1000;
  const verdicts = done.parts.flatMap((p) => p.verdicts);
  const where = machine(load0, startedAt);
  const report = [
    '# Benchmark results',
    '',
    where,
    '',
    `Every target of issue 20 §2 beside its figure (the sections below give each run):`,
    '',
    verdictTable(verdicts),
    '',
    ...done.parts.flatMap((p) => [p.markdown, '']),
    notes(o, wallS, done.seconds),
  ].join('\n');
  process.stdout.write(report);
  const table = readmeTable(verdicts, `\`npm run bench\`, ${startedAt.toISOString().slice(0, 10)}, ${where.replace(/^Machine: /, '').replace(/ Started .*$/, '')} Bold: missed. Every run and its load: [bench/results.md](bench/results.md); what each figure measures: [bench/notes.md](bench/notes.md).`);
  if (o.complete && !o.quick) {
    writeFileSync(join(ROOT, 'bench/results.md'), report);
    writeFileSync(join(ROOT, 'bench/readme-table.md'), table);
    say('wrote bench/results.md and bench/readme-table.md');
  } else {
    writeFileSync(join(DATA, 'partial-results.md'), `${report}\n${table}`);
    say(`${o.quick ? '--quick' : 'some sections only'}: bench/results.md left as it was; this report is in bench/data/partial-results.md`);
  }
}

function notes(o: BenchOptions, wallS: number, seconds: Sections['seconds']): string {
  return [
    '## Notes',
    '',
    `- Bench wall time: ${fixed(wallS)} s${o.quick ? ' (`--quick`: smaller runs, one round; not the targets’ sizes)' : ''}. Each section: ${seconds.map(([name, s]) => `${name} ${fixed(s)} s`).join(', ')}.`,
    `- Peak RSS by ${rssMethod}; CPU is the user + system time of the whole child process (every thread), by GNU time; the sandbox's from /proc.`,
    '- Rates use the child process wall time (start to exit), start-up included.',
    '- The machine may be shared: the load average (1 min) is recorded at the start of each run. Variants alternate within a section.',
    '- Every product run fsyncs its journal as by default, and keeps the repeat-payee guard on (its default window).',
    '- How to run one section again, what each figure measures, the profiles and the history: [notes.md](notes.md).',
    '',
  ].join('\n');
}

await main();
