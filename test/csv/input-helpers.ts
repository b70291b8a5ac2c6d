import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputFile } from '../../src/csv/input.js';
import type { InputRecord } from '../../src/rules/input-record.js';

const dir = mkdtempSync(join(tmpdir(), 'payouts-input-'));
let n = 0;

/** Writes `content` to a fresh file and returns its path. */
export function writeInput(content: string | Uint8Array, name = `input-${++n}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export async function collect(file: InputFile): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const batch of file.batches()) out.push(...batch);
  return out;
}
