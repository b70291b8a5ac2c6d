import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeEveryByte, type ByteSink } from '../src/write-every-byte.js';

const SRC = resolve(import.meta.dirname, '../src');

/** A file that takes at most `most` bytes a call, and none once `room` is used up. */
function shortWrites(most: number, room = Infinity): ByteSink & { taken: Buffer[] } {
  const taken: Buffer[] = [];
  let left = room;
  return {
    taken,
    async write(buffer, offset, length) {
      const n = Math.min(most, length, left);
      left -= n;
      taken.push(Buffer.from(buffer.subarray(offset, offset + n)));
      return { bytesWritten: n };
    },
  };
}

describe('one "write every byte" loop', () => {
  it('continues a short write until every byte is taken, in order', async () => {
    const sink = shortWrites(3);
    await writeEveryByte(sink, Buffer.from('0123456789'));
    expect(Buffer.concat(sink.taken).toString()).toBe('0123456789');
    expect(sink.taken.length).toBe(4);
  });

  it('a write that takes nothing is a full disk (ENOSPC), not a loop without end', async () => {
    await expect(writeEveryByte(shortWrites(4, 6), Buffer.from('0123456789'))).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  it('is the only loop over bytesWritten in src/ (the sandbox apart)', async () => {
    const names = (await readdir(SRC, { recursive: true })).filter((n) => n.endsWith('.ts') && !n.startsWith('sandbox/'));
    const loops: string[] = [];
    for (const name of names) if (/\+=\s*bytesWritten\b/.test(await readFile(join(SRC, name), 'utf8'))) loops.push(name);
    expect(loops).toEqual(['write-every-byte.ts']);
  });
});
