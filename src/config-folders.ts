/**
 * The folders the environment chooses (kept apart from config.ts, which loads zod: the compile
 * cache reads its folder before anything else is loaded).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The tool's cache folder: MILKYPAY_CACHE_DIR, else the XDG cache folder's `milkypay-payouts`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MILKYPAY_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'milkypay-payouts');
}

/** The tool's data folder: `$XDG_DATA_HOME/milkypay-payouts`, `%LOCALAPPDATA%` on Windows, else `~/.local/share`. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const data = env.XDG_DATA_HOME || (process.platform === 'win32' && env.LOCALAPPDATA ? env.LOCALAPPDATA : join(env.HOME || env.USERPROFILE || homedir(), '.local', 'share'));
  return join(data, 'milkypay-payouts');
}

/** MILKYPAY_LEDGER_DIR, when set. */
export function ledgerDirVariable(env: NodeJS.ProcessEnv): string | undefined {
  return env.MILKYPAY_LEDGER_DIR || undefined;
}
