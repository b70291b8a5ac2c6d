/**
 * How long compaction keeps a payout: the longest repeat window any run has used on this ledger
 * (recorded in `retention.json` by the first run that uses a longer one), and never less than the
 * default window. A payout older than that can hold no row of any run seen so far; a run with a
 * longer window than ever before is told what the ledger no longer has (ledger-store.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../write-atomic.js';
import { DEFAULT_REPEAT_WINDOW, parseRepeatWindow } from './repeat-window.js';

export const RETENTION_FILE = 'retention.json';
const FLOOR_MS = parseRepeatWindow(DEFAULT_REPEAT_WINDOW, 'the default window');

/** The longest window recorded, the floor when none is; Infinity (keep everything) when the record cannot be read. */
export async function retentionMs(dir: string, windowMs = 0, onWarning?: (message: string) => void): Promise<number> {
  const recorded = await recordedWindow(dir);
  if (recorded === undefined) {
    onWarning?.(`the repeat-payee ledger's ${join(dir, RETENTION_FILE)} is not readable: compaction keeps every payout until it is (delete it, then run once with your longest --repeat-window)`);
    return Infinity;
  }
  return Math.max(FLOOR_MS, recorded, windowMs);
}

/** Records this run's window when it is longer than any recorded (a window of the default or less needs no record). */
export async function recordWindow(dir: string, windowMs: number): Promise<void> {
  if (windowMs <= FLOOR_MS) return;
  const recorded = await recordedWindow(dir);
  if (recorded === undefined || recorded >= windowMs) return;
  await writeAtomic(join(dir, RETENTION_FILE), `${JSON.stringify({ longestWindowMs: windowMs })}\n`, { durable: true });
}

/** 0 when there is no record; undefined when there is one that cannot be read. */
async function recordedWindow(dir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, RETENTION_FILE), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 0 : undefined;
  }
  try {
    const ms = (JSON.parse(text) as { longestWindowMs?: unknown }).longestWindowMs;
    return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}
