import { existsSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, relative } from 'node:path';
import { settingsFrom } from '../config.js';
import { shellQuote } from './shell-quote.js';

const BIN = 'milkypay-payouts';

/**
 * The program as the user ran it, for the commands a report proposes: `milkypay-payouts` when that
 * is on the PATH, `npx milkypay-payouts` under npx, else `node <the script's path>`.
 */
export function programName(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): string {
  const script = argv[1];
  if (!script) return BIN;
  const { underNpx, searchPath } = settingsFrom(env);
  if (underNpx) return `npx ${BIN}`;
  if (basename(script) === BIN && onPath(script, searchPath)) return BIN;
  const shown = asTypedPath(script, cwd);
  if (basename(script) !== BIN) return `node ${shellQuote(shown)}`;
  return shellQuote(shown === script ? shown : `./${shown}`); // a bare name would be looked up on the PATH
}

/** The program as the caller named it (`io.invokedAs`), else as `programName` finds it. */
export function programOf(io: { invokedAs?: string; env: NodeJS.ProcessEnv; cwd: string }): string {
  return io.invokedAs ?? programName(process.argv, io.env, io.cwd);
}

/** A path as the user would type it: relative when under the working folder, else whole. */
export function asTypedPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function onPath(script: string, path: string): boolean {
  return path.split(delimiter).some((dir) => dir && dir === dirname(script) && existsSync(join(dir, BIN)));
}
