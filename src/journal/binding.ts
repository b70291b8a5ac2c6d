import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { Account } from '../guards/account.js';

/** The API, account and mode a journal's rows were sent to: the run's `Account`. */
export type JournalBinding = Account;

/** The journal's first line: its binding, and the secret that keys its fingerprints. */
export interface JournalHeader extends JournalBinding {
  /** 32 random bytes, base64url: the HMAC key of every fingerprint in this journal. */
  secret: string;
  created: string;
}

/** Marks the header line; an entry never has this key. */
export const HEADER_MARK = 'milkypay-payouts-journal';

/** Scheme, host and port as the URL parser writes them (`HTTPS://Api.example.com:443/` -> `https://api.example.com`). */
export function normaliseOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

export function newHeader(binding: JournalBinding): JournalHeader {
  return { origin: normaliseOrigin(binding.origin), keyId: binding.keyId, mode: binding.mode, secret: newSecret(), created: new Date().toISOString() };
}

/** 32 random bytes, base64url: a fingerprint key. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function sameBinding(a: JournalBinding, b: JournalBinding): boolean {
  return normaliseOrigin(a.origin) === normaliseOrigin(b.origin) && a.keyId === b.keyId && a.mode === b.mode;
}

export function describeBinding(b: JournalBinding): string {
  return `${b.mode} mode, account ${b.keyId}, API ${b.origin}`;
}

/** A run against another API, account or mode than the journal's: nothing it holds is true there. */
export function boundElsewhere(path: string, journal: JournalBinding, run: JournalBinding): UsageError {
  const loopback = (origin: string): boolean => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|$)/.test(origin);
  const sandboxHint =
    journal.origin !== run.origin && loopback(journal.origin) && loopback(run.origin)
      ? ' Each --sandbox run starts a new, empty sandbox, so a sandbox journal is never resumed: a --sandbox run moves it aside by itself.'
      : '';
  return new UsageError(
    'journal_bound_elsewhere',
    `journal ${path} belongs to ${describeBinding(journal)}, but this run is against ${describeBinding(run)}. ` +
      `Its rows were sent to that API and account, not this one, so nothing was sent. ` +
      `Pass another --journal for this API and account, or run against the journal's own.${sandboxHint}`,
    { path },
  );
}

/** A journal written before journals were bound (no first line naming their API). */
export function unbound(path: string, canAdopt: boolean): UsageError {
  return new UsageError(
    'journal_unbound',
    `journal ${path} was written by an older version that did not record which API, account and mode its rows ` +
      `were sent to, so none of them can be trusted here: nothing was sent. ` +
      (canAdopt
        ? `If it belongs to this API and account, rerun with --adopt-journal: every row it holds is then looked up by ` +
          `reference on this API before anything is reported or sent. Otherwise pass another --journal.`
        : `Bind it first with \`run <input.csv> --adopt-journal\` against its API and account, or pass another journal.`),
    { path },
  );
}
