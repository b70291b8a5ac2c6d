import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runMain } from './cli.js';
import { environment } from './config.js';
import { defaultPaths } from './run/paths.js';
import { asTypedPath } from './ui/command-name.js';

/**
 * `npm run demo`: pays samples/payouts.csv through a fresh embedded sandbox and leaves the
 * results CSV beside it. The sandbox forgets its invoices when it stops, so the demo starts
 * a fresh journal too.
 */
const sample = fileURLToPath(new URL('../samples/payouts.csv', import.meta.url));
const { journal } = defaultPaths(sample, { sandbox: true });
await rm(journal, { force: true });
process.stderr.write(`milkypay-payouts demo: paying ${sample} through the embedded sandbox\n\n`);
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: environment(), cwd: process.cwd(), invokedAs: 'node dist/cli.js' };
const code = await runMain(['run', asTypedPath(sample, process.cwd()), '--sandbox', '--concurrency', '4'], io);
process.stderr.write(
  `\nThe run's exit code is ${code} (${code === 0 ? 'every row paid' : code === 1 ? 'the batch finished; some rows need attention, as the sample intends' : 'stopped'}).\n`,
);
process.exitCode = code === 0 || code === 1 ? 0 : code;
