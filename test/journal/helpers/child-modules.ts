import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Transpiles the journal modules (and what they import) to plain ESM in `dir`, so a child
 * `node` process can run the real code without a build. Returns the path to import from.
 */
export async function compileJournalModules(dir: string): Promise<string> {
  const sources = ['src/errors.ts', 'src/write-atomic.ts', 'src/write-every-byte.ts', 'src/file-digest.ts', ...(await readdir(join(root, 'src/journal'))).map((f) => `src/journal/${f}`)];
  for (const source of sources.filter((f) => f.endsWith('.ts'))) {
    const text = await readFile(join(root, source), 'utf8');
    const output = (await transform(text, { loader: 'ts', format: 'esm', target: 'node20', tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } })).code;
    const target = join(dir, source.replace(/\.ts$/, '.js'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, output);
  }
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  return join(dir, 'src/journal');
}

export interface ScriptRun {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts `node <script> ...args`; each stdout line is handed to `onLine`. */
export function spawnScript(script: string, args: string[], onLine: (line: string) => void = () => {}): ScriptRun {
  const child = spawn(process.execPath, [script, ...args], { stdio: 'pipe' });
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    buffered += text;
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}
