import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import * as z from 'zod';
import { defaultCacheDir } from './config-folders.js';
import { UsageError } from './errors.js';

/** Every variable besides the API's, read here only; the library's `env` option passes its own. */
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
});

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

const httpUrl = z
  .string()
  .url('must be a URL such as https://api.example.com/api')
  .refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
  .transform((v) => v.replace(/\/+$/, ''));

const schema = z.object({
  MILKYPAY_API_URL: httpUrl,
  MILKYPAY_PUBLIC_KEY: z.string().regex(/^pk_(test|live)_[A-Za-z0-9_]+$/, 'must look like pk_test_… or pk_live_…'),
  MILKYPAY_KEY_ID: z.string().min(1, 'must not be empty'),
  MILKYPAY_SECRET_KEY: z.string().min(1, 'must not be empty'),
});

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
  const input = {
    ...pick(env),
    ...(flags.apiUrl ? { MILKYPAY_API_URL: flags.apiUrl } : {}),
    ...(flags.publicKey ? { MILKYPAY_PUBLIC_KEY: flags.publicKey } : {}),
    ...(flags.keyId ? { MILKYPAY_KEY_ID: flags.keyId } : {}),
    ...(flags.secretKey ? { MILKYPAY_SECRET_KEY: flags.secretKey } : {}),
  };
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    // Every problem at once: fixing one variable at a time, a run apart, is how a set-up takes an hour.
    const missing: string[] = [];
    const malformed: string[] = [];
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'configuration');
      if (input[variable as keyof typeof input] === undefined) {
        if (!missing.includes(variable)) missing.push(variable);
      } else if (!malformed.some((m) => m.startsWith(`${variable} `))) malformed.push(`${variable} ${issue.message}`);
    }
    const problems = [
      ...(missing.length ? [`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`] : []),
      ...malformed,
    ];
    throw new UsageError(
      'bad_config',
      `${problems.join('; ')}: set ${missing.length + malformed.length === 1 ? 'it' : 'them'} in the environment or in .env (see .env.example), or use --sandbox to try the embedded sandbox`,
      { variable: [...missing, ...malformed.map((m) => m.split(' ')[0]!)].join(', ') },
    );
  }
  const c = parsed.data;
  return {
    apiUrl: c.MILKYPAY_API_URL,
    publicKey: c.MILKYPAY_PUBLIC_KEY,
    keyId: c.MILKYPAY_KEY_ID,
    secretKey: c.MILKYPAY_SECRET_KEY,
    cacheDir: resolve(cwd, flags.cacheDir ?? defaultCacheDir(env)),
  };
}

function pick(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
