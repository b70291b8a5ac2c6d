import { open } from 'node:fs/promises';
import type { AppendHandle, LedgerFiles } from '../../src/ledger/ledger-write.js';

/**
 * The real file, but each write takes at most `chunk` bytes, and the disk is full after `room` bytes
 * in all, or from the append after the first `appends` ones.
 */
export function smallDisk(opts: { chunk?: number; room?: number; code?: string; appends?: number }): LedgerFiles & { written: number } {
  let opened = 0;
  const disk = {
    written: 0,
    async openAppend(path: string): Promise<AppendHandle> {
      const handle = await open(path, 'a', 0o600);
      const full = ++opened > (opts.appends ?? Infinity);
      return {
        async write(buffer, offset, length) {
          const left = (opts.room ?? Infinity) - disk.written;
          if (left <= 0 || full) throw Object.assign(new Error(`${opts.code ?? 'ENOSPC'}: no space left on device, write`), { code: opts.code ?? 'ENOSPC' });
          const n = Math.min(length, opts.chunk ?? length, left);
          const { bytesWritten } = await handle.write(buffer, offset, n, null);
          disk.written += bytesWritten;
          return { bytesWritten };
        },
        datasync: () => handle.datasync(),
        truncate: (length) => handle.truncate(length),
        close: () => handle.close(),
      };
    },
  };
  return disk;
}

