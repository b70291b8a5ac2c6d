import { existsSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, relative } from 'node:path';
import { shellQuote } from './shell-quote.js';

const BIN = 'milkypay-payouts';

/**
 * The program as the user ran it, for the commands a report proposes: `milkypay-payouts` when that
 * is on the PATH, `npx milkypay-payouts` under npx, else `node <the script's path>`.
 */
export function programName(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): string {
  const script = argv[1];
  if (!script) return BIN;
  if (env.npm_command === 'exec') return `npx ${BIN}`;
  if (basename(script) === BIN && onPath(script, env.PATH)) return BIN;
  const rel = relative(cwd, script);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : script;
  if (basename(script) !== BIN) return `node ${shellQuote(shown)}`;
  return shellQuote(shown === script ? shown : `./${shown}`); // a bare name would be looked up on the PATH
}

function onPath(script: string, path: string | undefined): boolean {
  return (path ?? '').split(delimiter).some((dir) => dir && dir === dirname(script) && existsSync(join(dir, BIN)));
}
