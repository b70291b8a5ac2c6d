import { UsageError } from '../errors.js';

export const DEFAULT_REPEAT_WINDOW = '3d';

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `12h`, `3d`, `30d` (also `90m`) -> milliseconds; `0` turns the guard off (0 ms).
 * `source` names where the text came from, for the error message.
 */
export function parseRepeatWindow(text: string, source: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = /^(\d{1,5})([mhd])$/.exec(trimmed);
  if (!match) {
    throw new UsageError('bad_option', `${source} ${JSON.stringify(text)} is not a window: use a number with m, h or d (e.g. 12h, 3d, 30d), or 0 to turn the repeat-payee guard off`);
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
