/**
 * Earlier versions kept an account's ledger in a folder named by the API's origin as spelled too,
 * so `localhost` after `127.0.0.1` found an empty ledger. The account's folder is now named by key
 * id and mode; a ledger written under the old name is moved there the first time it is looked for,
 * so an upgrade never starts empty. Two old ledgers of one account (two spellings) cannot be merged
 * (each keys payees with its own secret): the run stops, naming both.
 */
import { readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerError } from './ledger-errors.js';
import { accountFolder, isEmbeddedSandbox, originFolder, type LedgerAccount } from './ledger-location.js';

/** The account's folder, with an old-style ledger of this account moved into it first if there is one. */
export async function accountLedgerFolder(root: string, account: LedgerAccount, onWarning?: (message: string) => void): Promise<string> {
  const dir = accountFolder(root, account);
  if (isEmbeddedSandbox(account) || (await isFolder(dir))) return dir;
  const old = await oldFolders(root, account);
  if (old.length === 0) return dir;
  if (old.length > 1) throw ambiguous(dir, account, old);
  const [from] = old as [OldLedger];
  try {
    await rename(from.dir, dir);
  } catch (error) {
    if (!(await isFolder(dir))) throw new LedgerError('ledger_unwritable', `could not move the repeat-payee ledger ${from.dir} to ${dir} (${(error as Error).message}): move it by hand (mv ${from.dir} ${dir}), then run again`, from.dir);
    return dir; // another run moved it first
  }
  onWarning?.(`the repeat-payee ledger of key id ${account.keyId} (${account.mode}) was kept under the API URL's spelling (${from.origin}); moved from ${from.dir} to ${dir}, where every spelling of the URL finds it`);
  return dir;
}

interface OldLedger {
  dir: string;
  origin: string;
}

/** Old-style folders of this account: the one named by this origin, and any whose account.json names this key id and mode. */
async function oldFolders(root: string, account: LedgerAccount): Promise<OldLedger[]> {
  const found = new Map<string, OldLedger>();
  const named = originFolder(root, account);
  if (await isFolder(named)) found.set(named, { dir: named, origin: account.origin });
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names) {
    if (!/^[0-9a-f]{24}$/.test(name)) continue;
    const dir = join(root, name);
    const owner = await readFile(join(dir, 'account.json'), 'utf8').then((t) => JSON.parse(t) as Partial<LedgerAccount>, () => undefined);
    if (owner?.keyId === account.keyId && owner.mode === account.mode && !found.has(dir)) found.set(dir, { dir, origin: String(owner.origin) });
  }
  return [...found.values()];
}

function ambiguous(dir: string, account: LedgerAccount, old: OldLedger[]): LedgerError {
  const list = old.map((o) => `${o.dir} (written under ${o.origin})`).join(', ');
  return new LedgerError(
    'ledger_ambiguous',
    `key id ${account.keyId} (${account.mode}) has ${old.length} repeat-payee ledgers, one per spelling of the API URL: ${list}. ` +
      `A ledger now belongs to the account whatever the URL (${dir}), but these cannot be merged (each keys payees with its own secret). ` +
      `Move the one with the latest payouts to ${dir} (mv ${old[0]!.dir} ${dir}) and the others aside (mv DIR DIR.old), ` +
      `then rerun, with their journals, the input files the others paid within the repeat window (each rerun records its payouts again) before paying new files`,
    dir,
  );
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
