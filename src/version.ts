import { existsSync, readFileSync } from 'node:fs';

let version: string | undefined;

/**
 * The `version` of the package.json above this module: what `--version` prints and every report
 * carries. One folder up from src/ and dist/; two from dist/cli-chunks/, where the bundle puts it.
 */
export function packageVersion(): string {
  if (version !== undefined) return version;
  const file = ['../package.json', '../../package.json'].map((p) => new URL(p, import.meta.url)).find((url) => existsSync(url));
  if (!file) throw new Error(`no package.json above ${import.meta.url}`);
  version = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  return version;
}
