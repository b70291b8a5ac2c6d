/**
 * The on-disk cache of API answers: one JSON file per answer, written atomically, trusted
 * only while younger than its TTL and only for the same API and key.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { writeAtomic } from '../write-atomic.js';

interface CacheEnvelope {
  version: 1;
  cacheKey: string;
  fetchedAt: number;
  data: unknown;
}

export interface DiskCache {
  /** The cached value when fresh and well-formed, else undefined. */
  read<T>(name: string, schema: z.ZodType<T>): Promise<T | undefined>;
  write(name: string, data: unknown): Promise<void>;
}

export function createDiskCache(opts: { dir: string; cacheKey: string; ttlMs: number; now: () => number }): DiskCache {
  const prefix = createHash('sha256').update(opts.cacheKey).digest('hex').slice(0, 24);
  const fileOf = (name: string): string => join(opts.dir, `${prefix}-${name}.json`);
  return {
    async read<T>(name: string, schema: z.ZodType<T>): Promise<T | undefined> {
      let envelope: Partial<CacheEnvelope>;
      try {
        envelope = JSON.parse(await readFile(fileOf(name), 'utf8')) as Partial<CacheEnvelope>;
      } catch {
        return undefined; // absent or corrupt: fetch again
      }
      if (envelope?.version !== 1 || envelope.cacheKey !== opts.cacheKey) return undefined;
      const age = opts.now() - (typeof envelope.fetchedAt === 'number' ? envelope.fetchedAt : -Infinity);
      if (!(age >= 0 && age < opts.ttlMs)) return undefined;
      const parsed = schema.safeParse(envelope.data);
      return parsed.success ? parsed.data : undefined;
    },
    async write(name: string, data: unknown): Promise<void> {
      await mkdir(opts.dir, { recursive: true, mode: 0o700 }); // the owner only, as every file the tool writes
      const file = fileOf(name);
      const envelope: CacheEnvelope = { version: 1, cacheKey: opts.cacheKey, fetchedAt: opts.now(), data };
      await writeAtomic(file, JSON.stringify(envelope), { durable: false });
    },
  };
}
