/**
 * Bundles the command line (src/cli-entry.ts, then src/cli.ts and what it imports, dependencies
 * included) into dist/cli.js plus chunks (the command line, one per lazily imported command),
 * over tsc's dist/cli.js. Loading one
 * file instead of a few hundred ESM modules is most of the start-up budget: the library entry
 * (dist/index.js) stays tsc's plain modules.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { withHelpOnDemand, YARGS_USAGE_FILE } from './yargs-help-on-demand.mjs';

/**
 * yargs looks for the package.json above the directory that holds its `node_modules`; bundled,
 * there is none, so it searched up from the current directory and built (then swallowed) an
 * AssertionError at every start. Bundled, the package root is the directory above dist/.
 */
const yargsFindsOurPackageJson = {
  name: 'yargs-package-root',
  setup(b) {
    b.onLoad({ filter: /yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const from = "__dirname.substring(0, __dirname.lastIndexOf('node_modules'))";
      if (!source.includes(from)) return undefined;
      return { contents: source.replace(from, "fileURLToPath(new URL('..', import.meta.url))"), loader: 'js' };
    });
  },
};

/** See scripts/yargs-help-on-demand.mjs. */
const yargsRendersHelpOnlyWhenAsked = {
  name: 'yargs-help-on-demand',
  setup(b) {
    b.onLoad({ filter: YARGS_USAGE_FILE }, ({ path }) => ({ contents: withHelpOnDemand(path, readFileSync(path, 'utf8')), loader: 'js' }));
  },
};

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
  plugins: [yargsFindsOurPackageJson, yargsRendersHelpOnlyWhenAsked],
  logLevel: 'warning',
});
