import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** A file's size and SHA-256 (hex). */
export interface FileMark {
  size: number;
  sha256: string;
}

/**
 * The one file digest: read through one buffer, so memory does not grow with the file (a stream's
 * fresh chunk a MiB is garbage V8 frees late: hashing a million-row journal at a run's end held
 * about 100 MB of them).
 */
export async function digestFile(path: string): Promise<FileMark> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const handle = await open(path, 'r');
  try {
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return { size, sha256: hash.digest('hex') };
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * A file's identity on its disk: device, inode, size and the modification and change times (ns).
 * Any write to the file moves its change time, which only the kernel sets: the same stamp means
 * the same bytes. A different stamp says nothing (a touch, a copy back): the bytes decide.
 */
export function stampOf(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** The file's stamp (see stampOf), or undefined when it cannot be read. */
export async function fileStamp(path: string): Promise<string | undefined> {
  return stat(path, { bigint: true }).then(stampOf, () => undefined);
}
