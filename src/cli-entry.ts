#!/usr/bin/env node
/**
 * The `milkypay-payouts` executable: bundled, this is dist/cli.js, and the command line proper
 * (src/cli.ts) loads after it. Node >= 22.1 can keep V8's compiled code on disk: turned on here,
 * before anything else is compiled, later starts skip compiling the bundle (about 20 ms of CPU).
 * The cache lives where Node puts it (NODE_COMPILE_CACHE, else <tmpdir>/node-compile-cache);
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has no such cache and just loads the command line.
 */
import nodeModule from 'node:module';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const cli = await import('./cli.js');

/** The command line's `runMain`, for code that imports the executable (`npm run demo` does). */
export const runMain = cli.runMain;

if (cli.isEntryPoint(import.meta.url)) await cli.main();
