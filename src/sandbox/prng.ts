/** Small deterministic randomness for repeatable sandbox runs. */
import { createHash } from 'node:crypto';

/** mulberry32: a seeded generator of floats in [0, 1). */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32 bits, of a string's UTF-16 code units. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` base-62 characters drawn from `random`. */
export function randomToken(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random() * 62)] ?? 'A';
  return out;
}

/** `prefix` + 16 base-62 characters derived from `seed`: the same seed, the same id. */
export function stableId(prefix: string, seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; i < 16; i++) out += ALPHABET[(bytes[i] ?? 0) % 62] ?? 'A';
  return out;
}
