import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeSnapshot } from '../../src/guards/input-snapshot.js';
import { COPY_PREFIX, removeStaleCopies } from '../../src/guards/stale-copies.js';
import { useTempDirs } from '../journal/helpers/temp-dir.js';

describe('private input copies left by killed runs', () => {
  const tempDir = useTempDirs('stale-copies-test-');

  async function folder(tmp: string, name: string, owner?: object): Promise<string> {
    const dir = join(tmp, name);
    await mkdir(dir, { mode: 0o700 });
    await writeFile(join(dir, 'plans.jsonl'), '{"payee":"secret"}\n');
    if (owner) await writeFile(join(dir, 'owner.json'), JSON.stringify(owner));
    return dir;
  }

  it('are removed when their process on this host is gone; a live owner, another host, no owner or another name are left', async () => {
    const tmp = await tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = await folder(tmp, `${COPY_PREFIX}${dead}-a1`, { host: hostname(), pid: dead });
    const live = await folder(tmp, `${COPY_PREFIX}${process.pid}-b2`, { host: hostname(), pid: process.pid });
    const elsewhere = await folder(tmp, `${COPY_PREFIX}${dead}-c3`, { host: `not-${hostname()}`, pid: dead });
    const unowned = await folder(tmp, `${COPY_PREFIX}${dead}-d4`);
    const unnamed = await folder(tmp, `${COPY_PREFIX}e5`, { host: hostname(), pid: dead }); // an earlier version's name
    const other = await folder(tmp, `another-tool-${dead}-f6`, { host: hostname(), pid: dead });
    expect(await removeStaleCopies(tmp)).toBe(1);
    expect(existsSync(stale)).toBe(false);
    for (const kept of [live, elsewhere, unowned, unnamed, other]) expect(existsSync(kept)).toBe(true);
  });

  it("a run's own copy names it as its owner", async () => {
    const file = join(await tempDir(), 'a.csv');
    await writeFile(file, 'reference_id\nr-1\n');
    const snapshot = await takeSnapshot(file);
    try {
      const owner = JSON.parse(await readFile(join(dirname(snapshot.copy), 'owner.json'), 'utf8')) as unknown;
      expect(owner).toEqual({ host: hostname(), pid: process.pid });
      expect(dirname(snapshot.copy)).toContain(`${COPY_PREFIX}${process.pid}-`);
    } finally {
      await snapshot.remove();
    }
  });
});
