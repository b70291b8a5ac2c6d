/** The start-up figures on their own: `node dist-bench/bench/startup.js [rounds]`. */
import { startupSection } from './lib/startup-section.js';

process.stdout.write(`${await startupSection(Number(process.argv[2] ?? 7))}\n`);
