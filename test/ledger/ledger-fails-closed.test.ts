import { appendFile, mkdir, mkdtemp, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { smallDisk } from '../helpers/ledger-disk.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/ledger/ledger-entry.js';
import type { LedgerAccount } from '../../src/ledger/ledger-location.js';
import { openLedger } from '../../src/ledger/ledger-store.js';
import type { LedgerFiles } from '../../src/ledger/ledger-write.js';

const ACCOUNT: LedgerAccount = { origin: 'https://api.example.com', keyId: 'key_1', mode: 'test' };

function entry(ref: string, payee = 'P'): LedgerEntry {
  return { v: 1, kind: 'paid', ref, payee, currency: 'USD', amount: '10.00', at: new Date().toISOString(), file: 'payouts.csv' };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; exitCode: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; exitCode: number; message: string };
  }
  throw new Error('expected a refusal');
}

describe('the ledger fails closed', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mp-ledger-closed-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a short write is continued until every byte is on disk', async () => {
    const disk = smallDisk({ chunk: 7 });
    const ledger = await openLedger(root, ACCOUNT, { files: disk });
    await ledger.update(() => Array.from({ length: 50 }, (_, i) => entry(`r-${i}`, `P${i}`)));
    const reopened = await openLedger(root, ACCOUNT);
    for (let i = 0; i < 50; i++) expect(reopened.index.hasRef(`r-${i}`), `r-${i}`).toBe(true);
    expect((await readFile(join(ledger.dir, 'payouts.jsonl'), 'utf8')).split('\n')).toHaveLength(51);
  });

  it('a full disk rejects the update naming the ledger and the repair, and leaves no torn line behind', async () => {
    const first = await openLedger(root, ACCOUNT);
    await first.update(() => [entry('r-0')]);
    const file = join(first.dir, 'payouts.jsonl');
    const before = (await stat(file)).size;
    const ledger = await openLedger(root, ACCOUNT, { files: smallDisk({ chunk: 100, room: 250 }) });
    const error = await refusal(ledger.update(() => Array.from({ length: 20 }, (_, i) => entry(`r-${i + 1}`))));
    expect(error.code).toBe('ledger_write_failed');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/free space/);
    expect(error.message).toContain('MILKYPAY_LEDGER_DIR');
    expect((await stat(file)).size).toBe(before);
    // The ledger is whole: it opens, and appends again once there is room.
    const again = await openLedger(root, ACCOUNT);
    await again.update(() => [entry('r-9')]);
    expect((await openLedger(root, ACCOUNT)).index.hasRef('r-9')).toBe(true);
  });

  it('an I/O error on fsync rejects the update too', async () => {
    const files: LedgerFiles = {
      async openAppend(path) {
        const handle = await open(path, 'a', 0o600);
        return {
          write: (b, o, l) => handle.write(b, o, l, null),
          datasync: async () => {
            throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
          },
          truncate: (n) => handle.truncate(n),
          close: () => handle.close(),
        };
      },
    };
    const ledger = await openLedger(root, ACCOUNT, { files });
    const error = await refusal(ledger.update(() => [entry('r-1')]));
    expect(error.code).toBe('ledger_write_failed');
    expect(error.message).toContain(join(ledger.dir, 'payouts.jsonl'));
  });

  it('a secret missing beside entries is refused (exit 2), naming the file and the repair', async () => {
    const first = await openLedger(root, ACCOUNT);
    await first.update(() => [entry('r-1')]);
    await unlink(join(first.dir, 'secret'));
    const error = await refusal(openLedger(root, ACCOUNT));
    expect(error.code).toBe('ledger_secret_missing');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(join(first.dir, 'secret'));
    expect(error.message).toMatch(/backup/);
  });

  it('a secret that cannot be read, or is damaged, is refused (exit 2)', async () => {
    const first = await openLedger(root, ACCOUNT);
    await first.update(() => [entry('r-1')]);
    const secret = join(first.dir, 'secret');
    await writeFile(secret, 'not a secret\n');
    expect((await refusal(openLedger(root, ACCOUNT))).code).toBe('ledger_secret_unreadable');
    await unlink(secret);
    await mkdir(secret); // as root, permission bits do not stop a read: a folder does
    const error = await refusal(openLedger(root, ACCOUNT));
    expect(error.code).toBe('ledger_secret_unreadable');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(secret);
  });

  it('a damaged line other than the last stops the run (exit 2) naming the line and the repair', async () => {
    const first = await openLedger(root, ACCOUNT);
    await first.update(() => [entry('r-1'), entry('r-2'), entry('r-3')]);
    const file = join(first.dir, 'payouts.jsonl');
    const text = await readFile(file, 'utf8');
    const at = text.indexOf('"ref":"r-2"') + 3;
    await writeFile(file, `${text.slice(0, at)}\u0001${text.slice(at + 1)}`);
    const error = await refusal(openLedger(root, ACCOUNT));
    expect(error.code).toBe('ledger_damaged');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${file} is damaged at line 2`);
    expect(error.message).toContain(`sed -i '2d' ${file}`);
  });

  it('a torn last line is cut off under the lock before the next append', async () => {
    const first = await openLedger(root, ACCOUNT);
    await first.update(() => [entry('r-1')]);
    const file = join(first.dir, 'payouts.jsonl');
    const whole = (await stat(file)).size;
    await appendFile(file, '{"v":1,"kind":"paid","ref":"torn');
    const warnings: string[] = [];
    const second = await openLedger(root, ACCOUNT, { onWarning: (m) => warnings.push(m) });
    await second.update(() => [entry('r-2')]);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.slice(0, 2).map((l) => (JSON.parse(l) as LedgerEntry).ref)).toEqual(['r-1', 'r-2']);
    expect(warnings.join('\n')).toMatch(/last line was incomplete/);
    await truncate(file, whole);
  });
});
