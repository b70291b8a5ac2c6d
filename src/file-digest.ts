import { createHash } from 'node:crypto';
import { createReadStream, type BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';

/** A file's size and SHA-256 (hex). */
export interface FileMark {
  size: number;
  sha256: string;
}

/** The one file digest: streamed, so memory does not grow with the file. */
export async function digestFile(path: string): Promise<FileMark> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
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
