import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemFix } from '../errors.js';
import { adoptLegacyJournal } from './adopt.js';
import { boundElsewhere, newHeader, sameBinding, unbound, type JournalBinding, type JournalHeader } from './binding.js';
import { assertWritable, formatEntry, formatHeader, formatNewEntry } from './entry.js';
import type { JournalEntry, NewJournalEntry } from './entry.js';
import { JournalError } from './journal-errors.js';
import { GroupCommitter } from './group-commit.js';
import type { GroupCommitStats } from './group-commit.js';
import { replayJournal } from './replay.js';
import { syncDirectory } from './sync-directory.js';

export type { JournalEntry, NewJournalEntry } from './entry.js';
export type { GroupCommitStats } from './group-commit.js';
export { JournalError } from './journal-errors.js';

export interface OpenJournalOptions {
  /** The API, account and mode of this run: a journal bound to others is refused (exit 2). */
  binding: JournalBinding;
  /**
   * Bind a journal written before bindings existed to `binding`. Its rows are rewritten as
   * `unverified`: each is looked up by reference on this API before it is reported or sent.
   */
  adopt?: boolean;
  /** fdatasync each group commit (default true). Only tests and throwaway runs turn it off. */
  durable?: boolean;
  onWarning?: (message: string) => void;
}

export interface Journal {
  readonly path: string;
  /** Its binding and the secret keying its fingerprints (the first line). */
  readonly header: JournalHeader;
  /**
   * The last entry per ref as replayed from the file when it was opened. What this run appends is
   * not added (nothing in a run reads it back): memory stays flat in the number of rows paid.
   */
  readonly entries: ReadonlyMap<string, JournalEntry>;
  /** Drops a replayed entry once its row has been read, so a resume's memory shrinks as it goes. */
  release(ref: string): void;
  readonly stats: Readonly<GroupCommitStats>;
  /** Resolves once the line is written and, when durable, fdatasync'ed. */
  append(entry: NewJournalEntry): Promise<void>;
  /** Waits for pending appends, then closes the file. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens (creating if missing) an append-only JSONL journal and replays it. The caller holds the
 * journal's lock (`acquireLock`): opening repairs a torn tail, which only the single writer may do.
 */
export async function openJournal(path: string, options: OpenJournalOptions): Promise<Journal> {
  const durable = options.durable ?? true;
  await assertDirectoryExists(path);
  let replay = await replayJournal(path);
  if (replay.header && !sameBinding(replay.header, options.binding)) throw boundElsewhere(path, replay.header, options.binding);
  if (replay.legacy) {
    if (!options.adopt) throw unbound(path, true);
    const adopted = await adoptLegacyJournal(path, replay, newHeader(options.binding), durable).catch((error: unknown) => {
      throw writeFailure(path, error);
    });
    options.onWarning?.(`journal ${path} is now bound to this API and account; its ${replay.entries.size} rows will be looked up by reference (${adopted.legacyPath} keeps the old file)`);
    replay = await replayJournal(path);
  }
  if (replay.tornLine !== undefined) {
    options.onWarning?.(`journal line ${replay.tornLine} is incomplete (the previous run was interrupted mid-write); ignored`);
  }
  const handle = await openForAppend(path);
  let header = replay.header;
  try {
    if (!header) {
      // A new journal (or one holding nothing but a torn or blank start): its first line binds it.
      header = newHeader(options.binding);
      await handle.truncate(0);
      await handle.write(formatHeader(header), null, 'utf8');
      if (durable) await handle.datasync();
      if (durable) await syncDirectory(dirname(path));
      return new AppendOnlyJournal(path, header, handle, new Map(), durable);
    }
    if (replay.keepBytes < replay.size) {
      // Cut the torn fragment off, or the next line would be glued onto it.
      await handle.truncate(replay.keepBytes);
      if (durable) await handle.datasync();
    }
    if (replay.needsNewline) {
      await handle.write('\n', null, 'utf8');
      if (durable) await handle.datasync();
    }
  } catch (error) {
    await handle.close();
    // Before the first row: nothing was sent, so a full disk here is a set-up mistake (exit 2), not a rerun.
    const fix = systemFix(error, path);
    throw new JournalError('journal_unopenable', `could not start journal ${path}: ${messageOf(error)}. Nothing was sent${fix ? `: ${fix}` : ''}`, { path });
  }
  return new AppendOnlyJournal(path, header, handle, replay.entries, durable);
}

class AppendOnlyJournal implements Journal {
  readonly path: string;
  readonly header: JournalHeader;
  readonly entries: Map<string, JournalEntry>;
  readonly #handle: FileHandle;
  readonly #committer: GroupCommitter;
  #closing: Promise<void> | undefined;

  constructor(path: string, header: JournalHeader, handle: FileHandle, entries: Map<string, JournalEntry>, durable: boolean) {
    this.path = path;
    this.header = header;
    this.entries = entries;
    this.#handle = handle;
    this.#committer = new GroupCommitter(handle, durable, (error) => writeFailure(path, error));
  }

  get stats(): Readonly<GroupCommitStats> {
    return this.#committer.stats;
  }

  async append(newEntry: NewJournalEntry): Promise<void> {
    if (this.#closing) {
      throw new JournalError('journal_closed', `journal ${this.path} is closed; nothing more can be written to it`, {
        path: this.path,
        referenceId: newEntry.ref,
      });
    }
    if (newEntry.at !== undefined) {
      assertWritable(newEntry);
      return this.#committer.submit(formatEntry(newEntry as JournalEntry));
    }
    const at = new Date().toISOString();
    assertWritable(newEntry, at);
    return this.#committer.submit(formatNewEntry(newEntry, at));
  }

  release(ref: string): void {
    this.entries.delete(ref);
  }

  close(): Promise<void> {
    this.#closing ??= this.#committer.idle().then(() => this.#handle.close());
    return this.#closing;
  }
}

async function assertDirectoryExists(path: string): Promise<void> {
  const directory = dirname(path);
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new JournalError(
      'journal_unopenable',
      `cannot open journal ${path}: the directory ${directory} does not exist; create it or choose another journal path`,
      { path },
    );
  }
}

async function openForAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'a', 0o600); // the owner only: see the README's security section
  } catch (error) {
    throw new JournalError('journal_unopenable', `cannot open journal ${path} for appending: ${messageOf(error)}`, { path });
  }
}

function writeFailure(path: string, error: unknown): JournalError {
  if (error instanceof JournalError) return error;
  return new JournalError(
    'journal_write_failed',
    `could not write to journal ${path}: ${messageOf(error)}. The run stops; rows in flight are resolved ` +
      `by reference lookup when you run it again${systemFix(error, path) ? ` (${systemFix(error, path)})` : ''}`,
    { path },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
