import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { FAST_DELAYS } from '../helpers/fast-delays.js';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

const SRC = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every class in src/ that is a PayoutsError, through any number of subclasses. */
function payoutsErrorClasses(): string[] {
  const parent = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    if (relative(SRC, file).startsWith('sandbox')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/class (\w+) extends (\w+)/g)) parent.set(m[1]!, m[2]!);
  }
  const isPayoutsError = (name: string | undefined): boolean => name === 'PayoutsError' || (name !== undefined && isPayoutsError(parent.get(name)));
  return [...parent.keys()].filter((name) => name !== 'PayoutsError' && isPayoutsError(name));
}

describe('the library and its errors', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws?.close();
  });

  it('exports every error class it throws, so a caller can tell them apart with instanceof', () => {
    const classes = payoutsErrorClasses();
    expect(classes).toEqual(expect.arrayContaining(['UsageError', 'AbortedError', 'InputError', 'JournalError', 'LockError', 'ResultsError']));
    for (const name of classes) expect(typeof (lib as Record<string, unknown>)[name], name).toBe('function');
  });

  it('a missing input throws the exported InputError', async () => {
    ws = await workspace();
    const error = await lib.payFile('nope.csv', { env: ws.env, cwd: ws.dir, delays: FAST_DELAYS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(lib.InputError);
    expect(error).toBeInstanceOf(lib.PayoutsError);
    expect(error).toMatchObject({ code: 'unreadable_file', exitCode: 2 });
  });

  it('names its options, not the command line\'s flags, to a caller that passed options', async () => {
    ws = await workspace();
    const input = await ws.write('payouts.csv', csv([...HEADER, 'descripton'], [['r1', 'test_usd', 'USD', '1.00', '12345', 'x']]));
    const fail = (options: lib.PayFileOptions) => lib.payFile(input, { env: ws.env, cwd: ws.dir, delays: FAST_DELAYS, ...options }).catch((e: Error) => e.message);

    const cases: Array<[lib.PayFileOptions, string, string]> = [
      [{ maxTotal: 'USD:abc' }, 'maxTotal', '--max-total'],
      [{ concurrency: 0 }, 'concurrency takes', '--concurrency'],
      [{ maxRate: -1 }, 'maxRate', '--max-rate'],
      [{ ignoreColumn: 'notes' }, 'ignoreColumn', '--ignore-column'],
    ];
    for (const [options, says, never] of cases) {
      const message = await fail(options);
      expect(message, JSON.stringify(options)).toContain(says);
      expect(message, JSON.stringify(options)).not.toContain(never);
    }
    expect(ws.sandbox.counters.requests.create).toBe(0);
  });
});
