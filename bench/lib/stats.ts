/** min / median / max of a few runs, as the report prints them. */
import { fixed, median } from './format.js';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: (number | undefined)[]): Spread | undefined {
  const xs = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return xs.length === 0 ? undefined : { min: Math.min(...xs), median: median(xs), max: Math.max(...xs) };
}

/** "median (min–max)". */
export function showSpread(s: Spread | undefined, digits = 0): string {
  return s === undefined ? 'n/a' : `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

export const loads = (xs: number[]): string => xs.map((l) => fixed(l, 1)).join(', ');

/** "1.2–3.4", or one figure when all are the same. */
export function loadRange(xs: number[]): string {
  if (xs.length === 0) return 'n/a';
  const [lo, hi] = [fixed(Math.min(...xs), 1), fixed(Math.max(...xs), 1)];
  return lo === hi ? lo : `${lo}–${hi}`;
}
