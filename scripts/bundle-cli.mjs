/**
 * Bundles the command line (src/cli-entry.ts, then src/cli.ts and what it imports, dependencies
 * included) into dist/cli.js plus chunks (the command line, one per lazily imported command),
 * over tsc's dist/cli.js. Loading one
 * file instead of a few hundred ESM modules is most of the start-up budget: the library entry
 * (dist/index.js) stays tsc's plain modules.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist/cli-chunks', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli-entry.ts', 'cli-main': 'src/cli.ts' },
  outdir: 'dist',
  chunkNames: 'cli-chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  sourcemap: true,
  // pino is bundled (its worker files, for transports, are never used: logs go to a stream);
  // pino-pretty loads from node_modules, and only on a terminal.
  external: ['pino-pretty'],
  // CommonJS dependencies inside an ES module bundle need a `require`.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
