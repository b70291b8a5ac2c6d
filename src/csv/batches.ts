/**
 * Stream plumbing for the reader: rows are taken from csv-parse in batches (everything it has
 * buffered, read synchronously) and handed out one by one without an async generator per row.
 * At a million rows the per-row promise machinery costs as much as the parsing itself.
 */
import type { Readable } from 'node:stream';

/** Every row `stream` has buffered, batch by batch, until it ends; rethrows its error. */
export async function* readBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  let error: unknown;
  let failed = false;
  let ended = false;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('readable', signal);
  stream.on('end', () => {
    ended = true;
    signal();
  });
  stream.on('error', (e: unknown) => {
    failed = true;
    error = e;
    signal();
  });
  try {
    for (;;) {
      const batch: T[] = [];
      let item: T | null;
      while ((item = stream.read() as T | null) !== null) batch.push(item);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failed) throw error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.destroy();
  }
}
