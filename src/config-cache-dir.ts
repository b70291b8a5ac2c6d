import { homedir } from 'node:os';
import { join } from 'node:path';

/** The tool's cache folder: MILKYPAY_CACHE_DIR, else the XDG cache folder's `milkypay-payouts`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MILKYPAY_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'milkypay-payouts');
}
