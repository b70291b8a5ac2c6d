import type { FileHandle } from 'node:fs/promises';
import { writeEveryByte } from '../write-every-byte.js';

export interface GroupCommitStats {
  /** Write (+ fdatasync) rounds done so far. */
  groups: number;
  /** Lines written so far. */
  lines: number;
}

interface Pending {
  text: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Appends lines with group commit: while one write + fdatasync is in flight, new lines queue up;
 * the next round writes all of them with one write and one fdatasync. A promise resolves only
 * once its line is on disk (or written, when not durable). After a failed round every pending
 * and later line is rejected: the caller must stop, since what reached the disk is unknown.
 */
export class GroupCommitter {
  readonly stats: GroupCommitStats = { groups: 0, lines: 0 };
  readonly #handle: FileHandle;
  readonly #durable: boolean;
  readonly #wrapFailure: (error: unknown) => Error;
  #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  #failure: Error | undefined;

  constructor(handle: FileHandle, durable: boolean, wrapFailure: (error: unknown) => Error) {
    this.#handle = handle;
    this.#durable = durable;
    this.#wrapFailure = wrapFailure;
  }

  /** Resolves once the line is committed, in append order. */
  submit(text: string): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Resolves when every line submitted so far is committed (or has failed). */
  idle(): Promise<void> {
    return this.#draining ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    // One microtask of patience: appends made in the same tick join the first group.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const group = this.#queue;
      this.#queue = [];
      try {
        await this.#commit(group);
      } catch (error) {
        this.#failure = this.#wrapFailure(error);
        for (const pending of [...group, ...this.#queue]) pending.reject(this.#failure);
        this.#queue = [];
        break;
      }
      for (const pending of group) pending.resolve();
    }
    this.#draining = undefined;
  }

  async #commit(group: Pending[]): Promise<void> {
    const bytes = Buffer.from(group.map((pending) => pending.text).join(''), 'utf8');
    await writeEveryByte(this.#handle, bytes);
    if (this.#durable) await this.#handle.datasync();
    this.stats.groups += 1;
    this.stats.lines += group.length;
  }
}
