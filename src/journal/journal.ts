import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { assertWritable, formatEntry } from './entry.js';
import type { JournalEntry, NewJournalEntry } from './entry.js';
import { JournalError } from './errors.js';
import { GroupCommitter } from './group-commit.js';
import type { GroupCommitStats } from './group-commit.js';
import { replayJournal } from './replay.js';
import { syncDirectory } from './sync-directory.js';

export type { JournalEntry, NewJournalEntry } from './entry.js';
export type { GroupCommitStats } from './group-commit.js';
export { JournalError } from './errors.js';

export interface OpenJournalOptions {
  /** fdatasync each group commit (default true). Only tests and throwaway runs turn it off. */
  durable?: boolean;
  onWarning?: (message: string) => void;
}

export interface Journal {
  readonly path: string;
  /** The last entry per ref: replayed from the file, then updated as appends are committed. */
  readonly entries: ReadonlyMap<string, JournalEntry>;
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
export async function openJournal(path: string, options: OpenJournalOptions = {}): Promise<Journal> {
  const durable = options.durable ?? true;
  await assertDirectoryExists(path);
  const replay = await replayJournal(path);
  const handle = await openForAppend(path);
  try {
    if (replay.size === 0 && durable) await syncDirectory(dirname(path));
    if (replay.tornLine !== undefined) {
      options.onWarning?.(`journal line ${replay.tornLine} is incomplete (the previous run was interrupted mid-write); ignored`);
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
    throw writeFailure(path, error);
  }
  return new AppendOnlyJournal(path, handle, replay.entries, durable);
}

class AppendOnlyJournal implements Journal {
  readonly path: string;
  readonly entries: Map<string, JournalEntry>;
  readonly #handle: FileHandle;
  readonly #committer: GroupCommitter;
  #closing: Promise<void> | undefined;

  constructor(path: string, handle: FileHandle, entries: Map<string, JournalEntry>, durable: boolean) {
    this.path = path;
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
    // Object.assign, not a spread: the entry stays in the index, and a spread copy is twice its size.
    const entry: JournalEntry = Object.assign({}, newEntry, { at: newEntry.at ?? new Date().toISOString() });
    assertWritable(entry);
    const text = formatEntry(entry);
    await this.#committer.submit(text, () => this.entries.set(entry.ref, entry));
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
    return await open(path, 'a');
  } catch (error) {
    throw new JournalError('journal_unopenable', `cannot open journal ${path} for appending: ${messageOf(error)}`, { path });
  }
}

function writeFailure(path: string, error: unknown): JournalError {
  if (error instanceof JournalError) return error;
  return new JournalError(
    'journal_write_failed',
    `could not write to journal ${path}: ${messageOf(error)}. The run stops; rows in flight are resolved ` +
      `by reference lookup when you run it again`,
    { path },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
