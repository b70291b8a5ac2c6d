import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

interface PackedFile {
  path: string;
}

/**
 * `npm pack` of the built tree (npm test builds first; `prepack` builds a fresh clone), installed
 * into a temporary prefix the way npm lays it out. The tests run offline, so the package's declared
 * dependencies are linked from this checkout's node_modules instead of fetched: a dependency the
 * package uses but does not declare fails to load here.
 */
describe('the npm package', () => {
  let dir: string;
  let files: string[];
  let prefix: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-pack-'));
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as [{ filename: string; files: PackedFile[] }];
    files = packed.files.map((f) => f.path);
    prefix = join(dir, 'prefix');
    const installed = join(prefix, 'node_modules', 'milkypay-payouts');
    await mkdir(installed, { recursive: true });
    await run('tar', ['-xzf', join(dir, packed.filename), '-C', installed, '--strip-components=1']);
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; bin: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies)) {
      await mkdir(join(prefix, 'node_modules', dep, '..'), { recursive: true });
      await symlink(join(ROOT, 'node_modules', dep), join(prefix, 'node_modules', dep));
    }
    await mkdir(join(prefix, 'node_modules', '.bin'));
    for (const [name, path] of Object.entries(manifest.bin)) {
      await chmod(join(installed, path), 0o755); // as npm install does for every bin
      await symlink(join(installed, path), join(prefix, 'node_modules', '.bin', name));
    }
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ships the built code, its types and .env.example, and no sources or tests', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', '.env.example', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js']));
    expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', '.env.example'].includes(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('builds itself when packed from a fresh clone', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.prepack).toContain('npm run build');
    expect(manifest.scripts.build).toContain('tsconfig.build.json');
  });

  it('installed: its bin answers --version, and the package imports by name', async () => {
    const version = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version as string;
    const bin = await run(join(prefix, 'node_modules', '.bin', 'milkypay-payouts'), ['--version'], { cwd: prefix });
    expect(bin.stdout.trim()).toBe(version);
    const script = `
      const lib = await import('milkypay-payouts');
      const sandbox = await lib.startSandbox({ port: 0 });
      const summary = await lib.payFile('none.csv', { config: { apiUrl: sandbox.url, ...sandbox.credentials, cacheDir: 'cache' }, env: {} }).catch((e) => e);
      await sandbox.close();
      console.log(JSON.stringify({ exports: Object.keys(lib).sort(), error: summary.name, exitCode: summary.exitCode }));
    `;
    const imported = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: prefix });
    const out = JSON.parse(imported.stdout) as { exports: string[]; error: string; exitCode: number };
    expect(out.exports).toEqual(expect.arrayContaining(['payFile', 'reconcile', 'startSandbox', 'UsageError', 'AbortedError', 'PayoutsError', 'exitCodeOf']));
    expect(out).toMatchObject({ exitCode: 2 });
  });
});
