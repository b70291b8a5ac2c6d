import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enablePrivateCompileCache } from '../../src/cli-compile-cache.js';
import { compileCacheParent } from '../../src/config.js';
import { CLI } from '../helpers/workspace.js';

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) {
    await chmod(dir, 0o700).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-compile-cache-'));
  made.push(dir);
  return dir;
}
function recorder(): { enable: (dir: string) => void; enabled: string[] } {
  const enabled: string[] = [];
  return { enable: (dir) => void enabled.push(dir), enabled };
}

describe.skipIf(process.platform === 'win32')("Node's compile cache lives in the tool's own cache folder", () => {
  it('is node-compile-cache inside MILKYPAY_CACHE_DIR, made 0700, never the shared temp folder', async () => {
    const root = await tempDir();
    const { enable, enabled } = recorder();
    const dir = enablePrivateCompileCache(compileCacheParent({ MILKYPAY_CACHE_DIR: join(root, 'cache') }, '/'), enable);
    expect(dir).toBe(join(root, 'cache', 'node-compile-cache'));
    expect(enabled).toEqual([dir]);
    expect((await stat(dir!)).mode & 0o777).toBe(0o700);
  });

  it('without MILKYPAY_CACHE_DIR it is under the XDG cache folder, beside the service rules', async () => {
    const root = await tempDir();
    const { enable, enabled } = recorder();
    enablePrivateCompileCache(compileCacheParent({ XDG_CACHE_HOME: root }, '/'), enable);
    expect(enabled).toEqual([join(root, 'milkypay-payouts', 'node-compile-cache')]);
  });

  it('is off when another account could change the folder or the one holding it', async () => {
    const root = await tempDir();
    const cache = join(root, 'cache');
    await mkdir(join(cache, 'node-compile-cache'), { recursive: true, mode: 0o700 });
    await chmod(cache, 0o777);
    const { enable, enabled } = recorder();
    expect(enablePrivateCompileCache(compileCacheParent({ MILKYPAY_CACHE_DIR: cache }, '/'), enable)).toBeUndefined();
    await chmod(cache, 0o700);
    await chmod(join(cache, 'node-compile-cache'), 0o770);
    expect(enablePrivateCompileCache(compileCacheParent({ MILKYPAY_CACHE_DIR: cache }, '/'), enable)).toBeUndefined();
    expect(enabled).toEqual([]);
  });

  it("is off with NODE_DISABLE_COMPILE_CACHE, and NODE_COMPILE_CACHE is left to Node", async () => {
    const root = await tempDir();
    const { enable, enabled } = recorder();
    expect(enablePrivateCompileCache(compileCacheParent({ MILKYPAY_CACHE_DIR: root, NODE_DISABLE_COMPILE_CACHE: '1' }, '/'), enable)).toBeUndefined();
    expect(enablePrivateCompileCache(compileCacheParent({ MILKYPAY_CACHE_DIR: root, NODE_COMPILE_CACHE: join(root, 'mine') }, '/'), enable)).toBeUndefined();
    expect(enabled).toEqual([]);
  });

  it('the executable fills it on Node >= 22.1 and creates nothing on Node 20', async () => {
    const root = await tempDir();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [CLI, '--version'], { env: { PATH: process.env.PATH, HOME: root, MILKYPAY_CACHE_DIR: join(root, 'cache') }, stdio: 'ignore' });
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const folder = join(root, 'cache', 'node-compile-cache');
    if (major > 22 || (major === 22 && minor >= 1)) {
      expect((await readdir(folder)).length).toBeGreaterThan(0);
    } else {
      await expect(stat(folder)).rejects.toThrow();
    }
  });
});
