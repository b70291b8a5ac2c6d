import { lstatSync, mkdirSync } from 'node:fs';
import nodeModule from 'node:module';
import { join } from 'node:path';

type EnableCompileCache = (directory: string) => unknown;

/**
 * Node's compile cache (Node >= 22.1 keeps V8's compiled code of the command line on disk, so later
 * starts skip compiling it) in `node-compile-cache` inside the tool's cache folder, never in the
 * shared temp folder Node would pick by itself: code found there is run, and another account
 * could have put it there. Off (the command runs without it) when that folder or the one holding
 * it can be changed by another account or cannot be made, when there is no `parent` (the
 * environment turned it off: config.ts's `compileCacheParent`), and on Node 20, which has no such
 * cache. Returns the folder used.
 */
export function enablePrivateCompileCache(
  parent: string | undefined,
  enable: EnableCompileCache | undefined = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache,
): string | undefined {
  if (!enable || parent === undefined) return undefined;
  const dir = join(parent, 'node-compile-cache');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!onlyOursToChange(parent) || !onlyOursToChange(dir)) return undefined;
  } catch {
    return undefined; // e.g. a read-only home: no cache, same command
  }
  enable(dir);
  return dir;
}

/** A real folder (not a link), owned by this user, that neither its group nor others can write. */
function onlyOursToChange(path: string): boolean {
  const s = lstatSync(path);
  return s.isDirectory() && (process.getuid === undefined || s.uid === process.getuid()) && (s.mode & 0o022) === 0;
}
