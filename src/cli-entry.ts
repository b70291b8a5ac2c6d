#!/usr/bin/env node
/**
 * The `milkypay-payouts` executable: bundled, this is dist/cli.js, and the command line proper
 * (src/cli.ts) loads after it, once Node's compile cache is on (Node >= 22.1; see
 * cli-compile-cache.ts): later starts then skip compiling the bundle, about 20 ms of CPU.
 */
import { enablePrivateCompileCache } from './cli-compile-cache.js';
import { compileCacheParent, environment } from './config.js';

enablePrivateCompileCache(compileCacheParent(environment(), process.cwd()));
const cli = await import('./cli.js');

/** The command line's `runMain`, for code that imports the executable (`npm run demo` does). */
export const runMain = cli.runMain;

if (cli.isEntryPoint(import.meta.url)) await cli.main();
