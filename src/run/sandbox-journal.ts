/**
 * A `--sandbox` rehearsal repeated: the journal an earlier rehearsal left can never be resumed
 * (each embedded sandbox starts empty, on a new port), so it is moved aside, not refused.
 */
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sameBinding, type JournalBinding } from '../journal/binding.js';
import { journalKind } from '../journal/first-line.js';
import { acquireLock } from '../journal/lock.js';
import type { Logger } from '../log.js';

const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|$)/;

/**
 * Whether the journal at `path` was written by an earlier embedded sandbox (a loopback API, the
 * sandbox's own key id, not this run's sandbox). A journal of any other API is never one.
 */
export async function isEarlierSandboxJournal(path: string, sandbox: JournalBinding): Promise<boolean> {
  const found = await journalKind(path);
  if (found.kind !== 'bound') return false;
  const { header } = found;
  return !sameBinding(header, sandbox) && LOOPBACK.test(header.origin) && header.keyId === sandbox.keyId && header.mode === sandbox.mode;
}

/**
 * Before a `--sandbox` run: moves an earlier sandbox's journal (and its checkpoint) aside under
 * the journal's lock, with a one-line note. Returns where it went, or undefined.
 */
export async function setAsideEarlierSandboxJournal(path: string, sandbox: JournalBinding, log: Logger): Promise<string | undefined> {
  if (!(await isEarlierSandboxJournal(path, sandbox))) return undefined;
  const lock = await acquireLock(path, { command: 'run', onWarning: (m) => log.warn(m) });
  try {
    if (!(await isEarlierSandboxJournal(path, sandbox))) return undefined; // another run took it meanwhile
    const aside = asideName(path, new Date());
    await rename(path, aside);
    await rm(`${path}.checkpoint`, { force: true }); // what that journal's rerun would have reported
    log.warn(`moved the previous sandbox journal aside to ${basename(aside)}: each --sandbox run starts a new, empty sandbox, so it can never be resumed`);
    return aside;
  } finally {
    await lock.release();
  }
}

/** `payouts.sandbox.journal.jsonl` -> `payouts.sandbox.journal.2026-12-06T22-40-05-123Z.jsonl`. */
function asideName(path: string, at: Date): string {
  const name = basename(path);
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const dot = name.lastIndexOf('.');
  const moved = dot > 0 ? `${name.slice(0, dot)}.${stamp}${name.slice(dot)}` : `${name}.${stamp}`;
  return join(dirname(path), moved);
}
