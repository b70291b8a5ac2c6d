/**
 * The private folders of runs that were killed (`kill -9`, a machine that lost power) hold a copy
 * of their input and the plans of its rows (payee fields): nothing else removes them. Each folder
 * names its owner (its name the process id, its owner.json the host and process id); a later run on
 * the same host removes those whose process is gone. A folder of another host (a shared temp
 * folder), or of a process still alive, is left. Only a folder whose named process is gone is read:
 * every run sweeps, so a temp folder full of others' folders must cost a directory listing, no more.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const COPY_PREFIX = 'milkypay-payouts-input-';
const OWNER_FILE = 'owner.json';

/** The prefix of this process's folders: `mkdtemp` adds the rest. */
export function folderPrefix(): string {
  return `${COPY_PREFIX}${process.pid}-`;
}

/** Names this process as the folder's owner. */
export async function claimFolder(dir: string): Promise<void> {
  await writeFile(join(dir, OWNER_FILE), JSON.stringify({ host: hostname(), pid: process.pid }), { mode: 0o600 });
}

/** Removes the folders under `tmp` left by dead processes of this host and user; how many. Best effort. */
export async function removeStaleCopies(tmp: string): Promise<number> {
  const names = await readdir(tmp).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const pid = /^milkypay-payouts-input-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    const dir = join(tmp, name);
    if (await isStale(dir)) {
      await rm(dir, { recursive: true, force: true }).then(() => (removed += 1), () => undefined);
    }
  }
  return removed;
}

async function isStale(dir: string): Promise<boolean> {
  const owner = await readFile(join(dir, OWNER_FILE), 'utf8').then((t) => JSON.parse(t) as { host?: unknown; pid?: unknown }, () => undefined);
  if (!owner || owner.host !== hostname() || typeof owner.pid !== 'number' || alive(owner.pid)) return false;
  const info = await stat(dir).catch(() => undefined);
  return info !== undefined && info.isDirectory() && (!process.getuid || info.uid === process.getuid());
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
