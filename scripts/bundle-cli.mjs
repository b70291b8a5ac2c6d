/**
 * Bundles the command line (src/cli.ts and what it imports, dependencies included) into
 * dist/cli.js plus one chunk per lazily imported command, over tsc's dist/cli.js. Loading one
 * file instead of a few hundred ESM modules is most of the start-up budget: the library entry
 * (dist/index.js) stays tsc's plain modules.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

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

rmSync(new URL('../dist/cli-chunks', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  chunkNames: 'cli-chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  sourcemap: true,
  // pino finds its worker files on disk (transports), and pino-pretty loads only on a terminal.
  external: ['pino', 'pino-pretty'],
  // CommonJS dependencies inside an ES module bundle need a `require`.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [yargsFindsOurPackageJson],
  logLevel: 'warning',
});
