import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

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
