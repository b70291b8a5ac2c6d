/**
 * The journal's line format, pure: one JSON object per line. The first line is the header
 * (`{"v":2,"journal":"milkypay-payouts-journal",...binding, secret}`), then `{"v":2, ...entry}`.
 * Version 1 journals (no header) were written before journals were bound to an API.
 */
import type { RowRecord } from '../payout/record.js';
import { HEADER_MARK, type JournalHeader } from './binding.js';

export const JOURNAL_FORMAT_VERSION = 2;
export const LEGACY_FORMAT_VERSION = 1;

/** What the caller appends: a row's record (payout/record.ts); `at` is filled with the current time when absent. */
export interface NewJournalEntry extends RowRecord {
  at?: string;
}

export interface JournalEntry extends RowRecord {
  /** ISO time the entry was written. */
  at: string;
}

/** Why a line is not a journal entry, or the entry it holds. */
export type ParsedLine =
  | { kind: 'header'; header: JournalHeader }
  | { kind: 'entry'; entry: JournalEntry; legacy: boolean }
  | { kind: 'blank' }
  | { kind: 'unparseable' } // not JSON at all: a torn write when it is the last line
  | { kind: 'invalid'; reason: string }; // JSON, but not an entry: always corruption

/** The line to append for an entry (with its newline). JSON escapes newlines, so it is one line. */
export function formatEntry(entry: JournalEntry): string {
  // `v` first, so a reader of the file sees the format version at the start of each line. Spliced
  // in rather than spread in: `{ v, ...entry }` costs more than the stringify (3 lines a row).
  if (!('v' in entry)) return `{"v":${JOURNAL_FORMAT_VERSION},${JSON.stringify(entry).slice(1)}\n`;
  const record = Object.assign({ v: JOURNAL_FORMAT_VERSION }, entry);
  record.v = JOURNAL_FORMAT_VERSION;
  return JSON.stringify(record) + '\n';
}

/**
 * The line for an entry written now, stamped `at` (last, as `formatEntry` puts it). The entry is
 * serialised once and not copied: the runner appends three a row.
 */
export function formatNewEntry(entry: NewJournalEntry, at: string): string {
  return `{"v":${JOURNAL_FORMAT_VERSION},${JSON.stringify(entry).slice(1, -1)},"at":${JSON.stringify(at)}}\n`;
}

export function formatHeader(header: JournalHeader): string {
  const { origin, keyId, mode, secret, created } = header;
  return JSON.stringify({ v: JOURNAL_FORMAT_VERSION, journal: HEADER_MARK, origin, key_id: keyId, mode, secret, created }) + '\n';
}

export function parseLine(text: string): ParsedLine {
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unparseable' };
  }
  if (typeof value === 'object' && value !== null && (value as { journal?: unknown }).journal === HEADER_MARK) return headerOf(value as Record<string, unknown>);
  const reason = whyNotAnEntry(value);
  if (reason !== undefined) return { kind: 'invalid', reason };
  // Copied key by key rather than `{ v, ...entry } = value`: at 3 lines a row, a resume replays
  // hundreds of thousands, and the copy is both faster and smaller in the journal's index.
  const entry: Record<string, unknown> = {};
  for (const key in value as Record<string, unknown>) if (key !== 'v') entry[key] = (value as Record<string, unknown>)[key];
  // The one place a JSON object becomes a typed entry: `whyNotAnEntry` checked its required keys.
  return { kind: 'entry', entry: entry as unknown as JournalEntry, legacy: (value as Record<string, unknown>).v !== JOURNAL_FORMAT_VERSION };
}

function headerOf(record: Record<string, unknown>): ParsedLine {
  if (record.v !== JOURNAL_FORMAT_VERSION) {
    return { kind: 'invalid', reason: `its header has format version ${JSON.stringify(record.v)} and this tool reads version ${JOURNAL_FORMAT_VERSION}` };
  }
  const { origin, key_id: keyId, mode, secret, created } = record;
  if (typeof origin !== 'string' || typeof keyId !== 'string' || (mode !== 'test' && mode !== 'live') || typeof secret !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(secret)) {
    return { kind: 'invalid', reason: 'its header does not name an API origin, key id, mode (test or live) and a 32-byte secret' };
  }
  return { kind: 'header', header: { origin, keyId, mode, secret, created: typeof created === 'string' ? created : '' } };
}

/** `at`: the time the entry is to be stamped with, when it carries none. */
function whyNotAnEntry(value: unknown, at?: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object';
  const record = value as Record<string, unknown>;
  if (record.v !== undefined && record.v !== JOURNAL_FORMAT_VERSION && record.v !== LEGACY_FORMAT_VERSION) {
    return `it has format version ${JSON.stringify(record.v)} and this tool reads version ${JOURNAL_FORMAT_VERSION}`;
  }
  for (const key of ['ref', 'state', 'fp', 'at'] as const) {
    if (typeof (key === 'at' ? (at ?? record.at) : record[key]) !== 'string') return `its "${key}" is missing or not a string`;
  }
  if (record.ref === '' || record.state === '') return 'its "ref" or "state" is empty';
  if (!Number.isSafeInteger(record.line)) return 'its "line" is missing or not an integer';
  return undefined;
}

/** Checks an entry before it is written, so the journal never holds a line replay would reject. */
export function assertWritable(entry: JournalEntry | NewJournalEntry, at?: string): void {
  const reason = whyNotAnEntry(entry, at);
  if (reason !== undefined) throw new TypeError(`journal entry for ${JSON.stringify(entry.ref)} cannot be written: ${reason}`);
}
