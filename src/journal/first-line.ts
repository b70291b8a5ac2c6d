import { open } from 'node:fs/promises';
import { boundElsewhere, sameBinding, unbound, type JournalBinding, type JournalHeader } from './binding.js';
import { parseLine } from './entry.js';

const MAX_HEAD_BYTES = 64 * 1024;

/** What the journal's first non-blank line says it is; `none` when missing, empty or unreadable here. */
export type JournalKind = { kind: 'none' } | { kind: 'bound'; header: JournalHeader } | { kind: 'legacy' };

/** Reads only the first line: cheap enough to check a journal before validating a whole file. */
export async function journalKind(path: string): Promise<JournalKind> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return { kind: 'none' }; // missing; anything worse is reported when the journal is opened
  }
  try {
    const buffer = Buffer.alloc(MAX_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_HEAD_BYTES, 0);
    for (const text of buffer.toString('utf8', 0, bytesRead).split('\n')) {
      if (text.trim() === '') continue;
      const parsed = parseLine(text);
      if (parsed.kind === 'header') return { kind: 'bound', header: parsed.header };
      if (parsed.kind === 'entry' && parsed.legacy) return { kind: 'legacy' };
      return { kind: 'none' };
    }
    return { kind: 'none' };
  } finally {
    await handle.close();
  }
}

/**
 * Refuses (exit 2) a journal bound to another API, account or mode, or an unbound one unless it
 * is to be adopted: checked before anything is validated, asked or sent. `openJournal` checks again.
 */
export async function assertJournalBinding(path: string, binding: JournalBinding, opts: { adopt?: boolean } = {}): Promise<JournalKind> {
  const found = await journalKind(path);
  if (found.kind === 'bound' && !sameBinding(found.header, binding)) throw boundElsewhere(path, found.header, binding);
  if (found.kind === 'legacy' && !opts.adopt) throw unbound(path, true);
  return found;
}
