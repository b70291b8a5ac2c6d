import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { UsageError } from './errors.js';

/**
 * Every environment variable the tool reads is read in this file (the embedded sandbox reads
 * none). It imports nothing heavy: the executable loads it before Node's compile cache is on.
 */

/** The process's environment; the library's `env` option passes its own. */
export function environment(given?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return given ?? process.env;
}

/** Every variable besides the API's and the folders'. */
export const settingsFrom = (env: NodeJS.ProcessEnv) => ({
  /** How often a non-TTY run logs its progress; 5 s unless MILKYPAY_PROGRESS_INTERVAL_MS says. */
  progressIntervalMs: Number(env.MILKYPAY_PROGRESS_INTERVAL_MS) || 5000,
  /** MILKYPAY_JOURNAL_FSYNC=0 is for the benchmark only (it measures what durability costs). */
  journalFsync: env.MILKYPAY_JOURNAL_FSYNC !== '0',
  /** https://no-color.org */
  color: !env.NO_COLOR,
  repeatWindow: env.MILKYPAY_REPEAT_WINDOW || undefined,
  /** Where `run` writes its metrics (Prometheus text); none unless set. */
  metricsFile: env.MILKYPAY_METRICS_FILE || undefined,
  /** How the tool was typed: under npx, or looked up on the PATH. */
  underNpx: env.npm_command === 'exec',
  searchPath: env.PATH ?? '',
});

/** The tool's cache folder: MILKYPAY_CACHE_DIR, else the XDG cache folder's `milkypay-payouts`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return env.MILKYPAY_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'milkypay-payouts');
}

/**
 * The folder to hold Node's compile cache: the tool's cache folder, unless NODE_DISABLE_COMPILE_CACHE
 * is set, or NODE_COMPILE_CACHE (the user's own choice: Node turned the cache on there already).
 */
export function compileCacheParent(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  return env.NODE_DISABLE_COMPILE_CACHE || env.NODE_COMPILE_CACHE ? undefined : resolve(cwd, defaultCacheDir(env));
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

/** Where to reach the API and with which keys: env, then `.env`, then flags. */
export interface Config {
  apiUrl: string;
  publicKey: string;
  keyId: string;
  secretKey: string;
  cacheDir: string;
}

/** Settings given as flags or in code; each wins over its variable. */
export type ConfigFlags = Partial<Config>;

const PUBLIC_KEY = /^pk_(test|live)_[A-Za-z0-9_]+$/;

/** The API's base URL as the URL parser reads it, without trailing slashes; or what is wrong with it. */
function httpUrl(value: string): string | { wrong: string } {
  const trimmed = value.trim();
  if (!URL.canParse(trimmed)) return { wrong: 'must be a URL such as https://api.example.com/api' };
  const url = trimmed.replace(/[\t\n\r]/g, '');
  return /^https?:\/\//.test(url) ? url.replace(/\/+$/, '') : { wrong: 'must start with http:// or https://' };
}

/**
 * The environment with `.env` of the working directory beneath it: a variable set (non-empty) in the
 * environment wins; an empty or absent one is taken from `.env`.
 */
export function withDotEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): NodeJS.ProcessEnv {
  const file = join(cwd, '.env');
  if (!existsSync(file)) return env;
  let fromFile: Record<string, string>;
  try {
    fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new UsageError('bad_env_file', `cannot read ${file}: ${(error as Error).message}`, { path: file });
  }
  const merged: NodeJS.ProcessEnv = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') merged[key] = value;
  return merged;
}

/** The API's settings, each flag over its variable; `cwd` resolves a relative cache directory. */
export function readConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}, cwd = process.cwd()): Config {
  const apiUrl = flags.apiUrl || env.MILKYPAY_API_URL;
  const publicKey = flags.publicKey || env.MILKYPAY_PUBLIC_KEY;
  const keyId = flags.keyId || env.MILKYPAY_KEY_ID;
  const secretKey = flags.secretKey || env.MILKYPAY_SECRET_KEY;
  const url = apiUrl ? httpUrl(apiUrl) : undefined;
  // Every problem at once: fixing one variable at a time, a run apart, is how a set-up takes an hour.
  const given = { MILKYPAY_API_URL: apiUrl, MILKYPAY_PUBLIC_KEY: publicKey, MILKYPAY_KEY_ID: keyId, MILKYPAY_SECRET_KEY: secretKey };
  const missing = Object.entries(given).filter(([, value]) => !value).map(([variable]) => variable);
  const malformed = [
    ...(typeof url === 'object' ? [`MILKYPAY_API_URL ${url.wrong}`] : []),
    ...(publicKey && !PUBLIC_KEY.test(publicKey) ? ['MILKYPAY_PUBLIC_KEY must look like pk_test_… or pk_live_…'] : []),
  ];
  if (typeof url !== 'string' || !publicKey || !keyId || !secretKey || malformed.length) throw badConfig(missing, malformed);
  return { apiUrl: url, publicKey, keyId, secretKey, cacheDir: resolve(cwd, flags.cacheDir ?? defaultCacheDir(env)) };
}

function badConfig(missing: string[], malformed: string[]): UsageError {
  const problems = [...(missing.length ? [`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`] : []), ...malformed];
  return new UsageError(
    'bad_config',
    `${problems.join('; ')}: set ${missing.length + malformed.length === 1 ? 'it' : 'them'} in the environment or in .env (see .env.example), or use --sandbox to try the embedded sandbox`,
    { variable: [...missing, ...malformed.map((m) => m.split(' ')[0]!)].join(', ') },
  );
}
