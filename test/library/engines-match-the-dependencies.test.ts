import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};

/** The `engines.node` of an installed dependency (npm installs each at the top), or undefined when it states none. */
function enginesOf(name: string): string | undefined {
  const path = resolve(root, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { engines?: { node?: string } }).engines?.node;
}

describe('package.json engines', () => {
  it('admits no Node version a runtime dependency refuses (yargs 18: ^20.19.0 || ^22.12.0 || >=23)', () => {
    const ours = manifest.engines.node;
    const refused = Object.keys(manifest.dependencies)
      .map((name) => [name, enginesOf(name)] as const)
      .filter(([, theirs]) => theirs !== undefined && !semver.subset(ours, theirs))
      .map(([name, theirs]) => `${name} needs ${theirs}`);
    expect(refused, `engines.node is ${ours}`).toEqual([]);
  });

  it('admits the versions CI tests (20, 22, 24 and 26) at their current releases', () => {
    for (const version of ['20.19.0', '22.12.0', '24.0.0', '26.0.0']) expect(semver.satisfies(version, manifest.engines.node), version).toBe(true);
    // The floor is real: undici 7 and yargs 18 refuse these.
    for (const version of ['20.18.1', '22.11.0']) expect(semver.satisfies(version, manifest.engines.node), version).toBe(false);
  });

  it('CI runs the suite on each of them: the whole of it on the machine’s Node, vitest on 22, 24 and 26', () => {
    const ci = readFileSync(resolve(root, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm test$/m);
    expect(/^for major in ([\d ]+); do$/m.exec(ci)?.[1]?.split(' ')).toEqual(['22', '24', '26']);
  });
});
