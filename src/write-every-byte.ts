/** The part of a file handle `writeEveryByte` uses (a `FileHandle` is one; tests inject short writes). */
export interface ByteSink {
  write(buffer: Buffer, offset: number, length: number, position: null): Promise<{ bytesWritten: number }>;
}

/**
 * The one "write every byte" loop: `write` may take fewer bytes than asked, so it is called again
 * with the rest. A write that takes none is a full disk (ENOSPC), never a loop without end.
 */
export async function writeEveryByte(sink: ByteSink, bytes: Buffer): Promise<void> {
  for (let written = 0; written < bytes.length; ) {
    const { bytesWritten } = await sink.write(bytes, written, bytes.length - written, null);
    if (bytesWritten <= 0) throw Object.assign(new Error('the file system accepted no more bytes'), { code: 'ENOSPC' });
    written += bytesWritten;
  }
}
