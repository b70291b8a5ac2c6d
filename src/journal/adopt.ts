import { constants } from 'node:fs';
import { chmod, copyFile, rm } from 'node:fs/promises';
import { writeAtomic } from '../write-atomic.js';
import type { JournalHeader } from './binding.js';
import { formatEntry, formatHeader } from './entry.js';
import type { ReplayResult } from './replay.js';

/** The state of a row adopted from an unbound journal: nothing is known until its reference is looked up. */
export const UNVERIFIED = 'unverified';

/**
 * Binds a journal written before bindings existed: rewrites it (atomically)
 * as a header and one `unverified` line per reference, keeping the line number only. What the old
 * lines claimed (invoice ids, outcomes) may come from another API, and their fingerprints were
 * unkeyed; the old file stays beside it, owner-only, under `<path>.unbound-<time>`.
 */
export async function adoptLegacyJournal(path: string, replay: ReplayResult, header: JournalHeader, durable: boolean): Promise<{ legacyPath: string }> {
  const at = new Date().toISOString();
  const legacyPath = `${path}.unbound-${at.replace(/[:.]/g, '-')}`;
  const lines = [formatHeader(header)];
  for (const entry of replay.entries.values()) lines.push(formatEntry({ ref: entry.ref, state: UNVERIFIED, fp: '', line: entry.line, at }));
  // The old file keeps its name until the new one replaces it: a crash in between leaves it unbound, as before.
  await copyFile(path, legacyPath, constants.COPYFILE_EXCL);
  await chmod(legacyPath, 0o600);
  await writeAtomic(path, lines.join(''), { durable }).catch(async (error: unknown) => {
    await rm(legacyPath, { force: true }); // the journal was not replaced: no copy of it to explain
    throw error;
  });
  return { legacyPath };
}
