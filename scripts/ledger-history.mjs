// Measures what ledger history costs a small run (issue 20, §2 "History does not slow a run down").
// Not a test: prints figures. Build first (npm run build), then:
//   node scripts/ledger-history.mjs make DIR [nights=10] [rows=100000]   ten nightly runs' entries, through openLedger/update
//   node scripts/ledger-history.mjs run DIR                              one 3-row run's ledger work, in this process
// Each "run" is meant to be a fresh process (what a CLI run pays at its start).
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { openLedger } from '../dist/ledger/ledger-store.js';
import { RepeatGuard } from '../dist/ledger/repeat-guard.js';

// LEDGER_ORIGIN and LEDGER_KEY_ID name another account (a sandbox's, to follow with a CLI run).
const ACCOUNT = { origin: process.env.LEDGER_ORIGIN ?? 'https://api.example.com', keyId: process.env.LEDGER_KEY_ID ?? 'bench_key', mode: 'test' };
const DAY = 86_400_000;
const WINDOW = 3 * DAY;
const [mode, root, nightsText = '10', rowsText = '100000'] = process.argv.slice(2);

function row(keys, night, i) {
  return { ref: `n${night}-r${i}`, service: 'test_usd', payee: keys.payee({ account: `acct-${i}` }), currency: 'USD', amount: `${10 + (i % 90)}.00`, desc: '' };
}

async function make() {
  const nights = Number(nightsText);
  const rows = Number(rowsText);
  const now = Date.now();
  for (let night = 0; night < nights; night++) {
    const t0 = performance.now();
    const ledger = await openLedger(root, ACCOUNT, { durable: false, since: now - WINDOW, windowMs: WINDOW });
    const at = new Date(now - (nights - night) * DAY).toISOString();
    for (let start = 0; start < rows; start += 1000) {
      await ledger.update(() => {
        const keys = ledger.keys;
        const out = [];
        for (let i = start; i < Math.min(rows, start + 1000); i++) out.push({ v: 2, kind: 'paid', ...row(keys, night, i), at, file: `night-${night}.csv` });
        return out;
      });
    }
    ledger.close();
    console.log(`night ${night}: ${rows} entries in ${Math.round(performance.now() - t0)} ms`);
  }
}

async function run() {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const now = Date.now();
  const ledger = await openLedger(root, ACCOUNT, { since: now - WINDOW, windowMs: WINDOW });
  const tOpen = performance.now();
  const guard = new RepeatGuard(ledger.index, { windowMs: WINDOW, windowText: '3d', now });
  const keys = ledger.keys;
  // Three rows: a payee paid last night (held), one paid 5 nights ago (outside the window), a new one.
  const rows = [row(keys, 'x', 5), { ...row(keys, 'y', 0), payee: keys.payee({ account: 'acct-never' }) }, row(keys, 'z', 7)];
  const verdicts = rows.map((r, line) => guard.check({ ...r, line: line + 2, allowRepeat: false }));
  await ledger.update(() => []);
  guard.close();
  ledger.close();
  const t1 = performance.now();
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(JSON.stringify({ openMs: Math.round(tOpen - t0), totalMs: Math.round(t1 - t0), rssDeltaMB: Math.round((process.memoryUsage().rss - rss0) / 1e6), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), held: verdicts.map((v) => v.held), load }));
}

await (mode === 'make' ? make() : run());
