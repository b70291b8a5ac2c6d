/**
 * The ledger's secret (the HMAC key of its payees). Without it no entry can be recognised: a
 * secret missing beside entries, or one that cannot be read, stops the run; a new one is made only
 * for a ledger that holds no entry yet.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../journal/sync-directory.js';
import { LedgerError } from './ledger-errors.js';

const SECRET_BYTES = 32;

/** A passing secret: keys the rows of one run only (a ledger not created yet). */
export function passingSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** The stored secret; undefined only when there is none and the ledger holds no entry. */
export async function readSecret(dir: string): Promise<Buffer | undefined> {
  const path = join(dir, 'secret');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return await noSecret(dir);
    throw new LedgerError(
      'ledger_secret_unreadable',
      `cannot read the repeat-payee ledger's secret ${path} (${code ?? (error as Error).message}): without it no payee in the ledger can be recognised, so nothing was sent. ` +
        `Make it a file readable by this user (chown, chmod 600 ${path}), or restore it from a backup`,
      path,
    );
  }
  const secret = Buffer.from(text.trim(), 'base64');
  if (secret.length !== SECRET_BYTES) {
    throw new LedgerError(
      'ledger_secret_unreadable',
      `the repeat-payee ledger's secret ${path} is damaged (not ${SECRET_BYTES} bytes in base64): without it no payee in the ledger can be recognised, so nothing was sent. ` +
        `Restore it from a backup; if it is lost, see "The ledger's secret is missing" in the README`,
      path,
    );
  }
  return secret;
}

/** No secret: fine for a ledger with no entries; beside entries, a refusal. */
async function noSecret(dir: string): Promise<undefined> {
  const sizeOf = async (name: string): Promise<number> => (await stat(join(dir, name)).catch(() => undefined))?.size ?? 0;
  const [log, compacted] = [await sizeOf('payouts.jsonl'), await sizeOf('payouts.compacted')];
  const size = log + compacted;
  if (size === 0) return undefined;
  const entries = join(dir, compacted > 0 ? 'payouts.compacted' : 'payouts.jsonl');
  const path = join(dir, 'secret');
  throw new LedgerError(
    'ledger_secret_missing',
    `the repeat-payee ledger's secret ${path} is missing beside ${size} bytes of entries in ${entries}: without it no payee they record can be recognised, so nothing was sent. ` +
      `Restore the secret from a backup. If it is lost: mv ${dir} ${dir}.lost, then rerun the input files paid within the repeat window whose journals you keep ` +
      `(each rerun records its payouts in the new ledger) before paying new files`,
    path,
  );
}

/** The secret is created once, atomically (hard link of a complete file), so two first runs agree on it. */
export async function readOrCreateSecret(dir: string): Promise<Buffer> {
  const existing = await readSecret(dir);
  if (existing) return existing;
  const path = join(dir, 'secret');
  const temp = join(dir, `secret.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, `${randomBytes(SECRET_BYTES).toString('base64')}\n`, { mode: 0o600, flush: true });
  try {
    await link(temp, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dir);
  const secret = await readSecret(dir);
  if (!secret) throw new LedgerError('ledger_secret_unreadable', `the repeat-payee ledger's secret ${path} vanished while it was being created: run again`, path);
  return secret;
}
