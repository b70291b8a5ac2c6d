/**
 * A finished batch's checkpoint, `<journal>.checkpoint`: a cache of its rerun's plans, folded
 * (every valid row settled as it ended: run/summary.ts RerunTally), valid only for the exact
 * journal, input and results files it was written with (sizes and SHA-256), the same binding and
 * the same options. It lets an unchanged rerun skip parsing, validating and replaying (no request,
 * the same results file; the summary finished by the one summary path). The JSONL journal stays the source of truth:
 * a checkpoint that does not match it byte for byte is ignored, and the run takes the full path.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { digestFile, fileStamp, type FileMark } from '../file-digest.js';
import { writeAtomic } from '../write-atomic.js';
import { sameBinding, type JournalBinding } from './binding.js';

const VERSION = 3; // 3: the rerun's tally of its rows' plans, not its summary; the files' stamps


/** What decides a rerun's outcome besides the files: a change in any of them takes the full path. */
export interface CheckpointKey {
  binding: JournalBinding;
  input: string;
  /** The input's bytes as the run read them (its private copy), not the file as it may be by now. */
  inputMark: FileMark;
  results: string;
  /** The run options that change what a rerun does (process, wait, delimiter…), as plain data. */
  options: Record<string, unknown>;
}

/** What the checkpoint carries for the rerun: its rows' plans folded (every valid row settled, as each ended). */
export interface CheckpointContent<T> {
  tally: T;
}

interface CheckpointFile<T> extends CheckpointContent<T> {
  v: number;
  binding: JournalBinding;
  input: string;
  results: string;
  options: string;
  files: { journal: Marked; input: FileMark; results: Marked };
}

/** A file's bytes, and its stamp when it held still while they were read (see stampOf). */
interface Marked extends FileMark {
  stamp?: string;
}

export function checkpointPath(journalPath: string): string {
  return `${journalPath}.checkpoint`;
}

/** Written last, atomically, owner-only; after it the journal must not change, or it is void. */
export async function writeCheckpoint<T>(journalPath: string, key: CheckpointKey, content: CheckpointContent<T>): Promise<void> {
  const [journal, results] = await Promise.all([mark(journalPath), mark(key.results)]);
  const input = key.inputMark;
  if (!journal || !results) return;
  const file: CheckpointFile<T> = {
    v: VERSION,
    binding: key.binding,
    input: key.input,
    results: key.results,
    options: JSON.stringify(key.options),
    files: { journal, input, results },
    ...content,
  };
  // A checkpoint not written is not an error: a rerun then takes the full path, nothing is lost.
  await writeAtomic(checkpointPath(journalPath), JSON.stringify(file), { durable: false }).catch(() => undefined);
}

export async function removeCheckpoint(journalPath: string): Promise<void> {
  await rm(checkpointPath(journalPath), { force: true });
}

/** The checkpoint's content when it matches this run and the files byte for byte; else undefined. */
export async function readCheckpoint<T>(journalPath: string, key: CheckpointKey): Promise<CheckpointContent<T> | undefined> {
  let file: CheckpointFile<T>;
  try {
    file = JSON.parse(await readFile(checkpointPath(journalPath), 'utf8')) as CheckpointFile<T>;
  } catch {
    return undefined;
  }
  if (file?.v !== VERSION || !file.files || !file.binding || !sameBinding(file.binding, key.binding)) return undefined;
  if (file.input !== key.input || file.results !== key.results || file.options !== JSON.stringify(key.options)) return undefined;
  // The input as the run read it (its mark is known), then the journal and the results file.
  if (!same(key.inputMark, file.files.input)) return undefined;
  const [journal, results] = await Promise.all([unchanged(journalPath, file.files.journal), unchanged(key.results, file.files.results)]);
  return journal && results ? { tally: file.tally } : undefined;
}

function same(a: FileMark | undefined, b: FileMark): boolean {
  return a !== undefined && a.size === b.size && a.sha256 === b.sha256;
}

/** The file holds the bytes it held: its stamp unchanged, or else its size and then its SHA-256. */
async function unchanged(path: string, was: Marked): Promise<boolean> {
  if (was.stamp !== undefined && (await fileStamp(path)) === was.stamp) return true;
  if ((await stat(path).catch(() => undefined))?.size !== was.size) return false;
  return same(await digestFile(path).catch(() => undefined), was);
}

async function mark(path: string): Promise<Marked | undefined> {
  const before = await fileStamp(path);
  const bytes = await digestFile(path).catch(() => undefined);
  if (!bytes) return undefined;
  return before !== undefined && (await fileStamp(path)) === before ? { ...bytes, stamp: before } : bytes;
}
