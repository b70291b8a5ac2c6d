import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { defaultDataDir, ledgerDirVariable } from '../config.js';
import type { Account } from '../guards/account.js';

/** What a ledger belongs to: one API, one account, one mode (the run's `Account`). */
export type LedgerAccount = Account;

/**
 * Where ledgers live: `--ledger DIR`, else `MILKYPAY_LEDGER_DIR`, else the tool's data folder
 * (`$XDG_DATA_HOME/milkypay-payouts/ledger`, by default `~/.local/share/milkypay-payouts/ledger`;
 * `%LOCALAPPDATA%\milkypay-payouts\ledger` on Windows).
 */
export function ledgerRoot(env: NodeJS.ProcessEnv, cwd: string, flag?: string): string {
  const chosen = flag ?? ledgerDirVariable(env);
  if (chosen) return resolve(cwd, chosen);
  return join(defaultDataDir(env), 'ledger');
}

/**
 * One folder per account under the root, named by a digest of its key id and mode: the ledger
 * belongs to the account, whatever the spelling of the API's URL (`localhost`, `127.0.0.1`).
 */
export function accountFolder(root: string, account: LedgerAccount): string {
  const owner = isEmbeddedSandbox(account) ? `sandbox\n${account.origin}` : `account\n${account.keyId}\n${account.mode}`;
  const digest = createHash('sha256').update(owner).digest('hex').slice(0, 24);
  return join(root, digest);
}

/** The embedded sandbox's key id (src/sandbox's TEST_CREDENTIALS), the same for every sandbox. */
export const EMBEDDED_SANDBOX_KEY_ID = 'sandbox_key_id';

/**
 * Every embedded sandbox answers to the same keys and starts empty: its ledger is one per sandbox
 * (its origin), or rehearsals and tests against different sandboxes would hold each other's rows.
 */
export function isEmbeddedSandbox(account: LedgerAccount): boolean {
  return account.keyId === EMBEDDED_SANDBOX_KEY_ID;
}

/** Where earlier versions kept it: the digest also named the API's origin as spelled (see ledger-migrate.ts). */
export function originFolder(root: string, account: LedgerAccount): string {
  const digest = createHash('sha256').update(`${account.origin}\n${account.keyId}\n${account.mode}`).digest('hex').slice(0, 24);
  return join(root, digest);
}
