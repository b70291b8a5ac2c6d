/**
 * A finished batch's checkpoint, `<journal>.checkpoint`: what its rerun would report, valid only
 * for the exact journal, input and results files it was written with (sizes and SHA-256), the same
 * binding and the same options. It lets an unchanged rerun skip parsing, validating and replaying
 * (no request, the same results file and summary). The JSONL journal stays the source of truth:
 * a checkpoint that does not match it byte for byte is ignored, and the run takes the full path.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { digestFile, type FileMark } from '../file-digest.js';
import { writeAtomic } from '../write-atomic.js';
import { sameBinding, type JournalBinding } from './binding.js';

const VERSION = 2; // 2: SHA-256 in hex, as everywhere else


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

/** What the checkpoint carries for the rerun: the gates' inputs and the summary it reports. */
export interface CheckpointContent<S> {
  validRows: number;
  /** Requested totals per currency, for `--max-total` / `--expect-total` on the rerun. */
  requested: Array<[currency: string, amount: string]>;
  summary: S;
}

interface CheckpointFile<S> extends CheckpointContent<S> {
  v: number;
  binding: JournalBinding;
  input: string;
  results: string;
  options: string;
  files: { journal: FileMark; input: FileMark; results: FileMark };
}

export function checkpointPath(journalPath: string): string {
  return `${journalPath}.checkpoint`;
}

/** Written last, atomically, owner-only; after it the journal must not change, or it is void. */
export async function writeCheckpoint<S>(journalPath: string, key: CheckpointKey, content: CheckpointContent<S>): Promise<void> {
  const [journal, results] = await Promise.all([mark(journalPath), mark(key.results)]);
  const input = key.inputMark;
  if (!journal || !results) return;
  const file: CheckpointFile<S> = {
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
export async function readCheckpoint<S>(journalPath: string, key: CheckpointKey): Promise<CheckpointContent<S> | undefined> {
  let file: CheckpointFile<S>;
  try {
    file = JSON.parse(await readFile(checkpointPath(journalPath), 'utf8')) as CheckpointFile<S>;
  } catch {
    return undefined;
  }
  if (file?.v !== VERSION || !file.files || !file.binding || !sameBinding(file.binding, key.binding)) return undefined;
  if (file.input !== key.input || file.results !== key.results || file.options !== JSON.stringify(key.options)) return undefined;
  // The input as the run read it (its mark is known), then sizes (a grown journal), then the bytes.
  if (!same(key.inputMark, file.files.input)) return undefined;
  const sizes = await Promise.all([size(journalPath), size(key.results)]);
  if (sizes[0] !== file.files.journal.size || sizes[1] !== file.files.results.size) return undefined;
  const [journal, results] = await Promise.all([mark(journalPath), mark(key.results)]);
  if (!same(journal, file.files.journal) || !same(results, file.files.results)) return undefined;
  return { validRows: file.validRows, requested: file.requested, summary: file.summary };
}

function same(a: FileMark | undefined, b: FileMark): boolean {
  return a !== undefined && a.size === b.size && a.sha256 === b.sha256;
}

async function size(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.size;
}

async function mark(path: string): Promise<FileMark | undefined> {
  return digestFile(path).catch(() => undefined);
}
