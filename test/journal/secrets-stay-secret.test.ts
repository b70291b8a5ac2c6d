import { createHash, createHmac } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/journal/lock.js';
import { workspace, type Workspace } from '../helpers/workspace.js';

const CARD = '4111118765431111';
const MASKED = '411111******1111'; // what the API shows, and the results CSV
const INPUT = 'reference_id,service,currency,amount,fields.card_number\ncard-1,payment_card_usd,USD,310.25,' + CARD + '\n';

/** The attacker knows the masked card and what the results show; here also all but 3 of the hidden digits. */
function candidates(): string[] {
  const known = CARD.slice(0, 9); // 6 shown + 3 more given away, to keep the search quick
  return Array.from({ length: 1000 }, (_, n) => `${known}${String(n).padStart(3, '0')}${MASKED.slice(12)}`);
}

const textOf = (card: string): string => JSON.stringify(['payment_card_usd', 'USD', '310.25', [['card_number', card]]]);
const prefixOf = (digest: Buffer, fp: string): boolean => digest.toString('base64url').startsWith(fp) || digest.toString('base64url', 0, 16) === fp;

describe('secrets stay secret', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('one journal line and the masked card do not give the card back; the header secret is what keys it', async () => {
    ws = await workspace();
    await ws.write('cards.csv', INPUT);
    const r = await ws.cli(['run', ws.path('cards.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const text = await readFile(ws.path('cards.journal.jsonl'), 'utf8');
    expect(text).not.toContain(CARD);
    expect(text).not.toContain(CARD.slice(6, 12));
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    const entry = lines.find((l) => l.ref === 'card-1')!;

    const unkeyed = candidates().find((card) => prefixOf(createHash('sha256').update(textOf(card)).digest(), entry.fp!));
    expect(unkeyed, 'the fingerprint is an unkeyed hash: brute-forced from one line').toBeUndefined();

    // With the header's secret (the whole file), the right card does match: the fingerprint is keyed by it.
    const key = Buffer.from(lines[0]!.secret!, 'base64url');
    const keyed = candidates().find((card) => prefixOf(createHmac('sha256', key).update(textOf(card)).digest(), entry.fp!));
    expect(keyed).toBe(CARD);
  });

  it('the same row gets a different fingerprint in another journal', async () => {
    ws = await workspace();
    await ws.write('a.csv', INPUT);
    await ws.write('b.csv', INPUT.replace('card-1', 'card-2'));
    expect((await ws.cli(['run', ws.path('a.csv')])).code).toBe(0);
    // The same payee under another reference: allowed, or the repeat-payee guard holds it.
    expect((await ws.cli(['run', ws.path('b.csv'), '--allow-repeat'])).code).toBe(0);
    const fpOf = async (name: string, ref: string): Promise<string> =>
      (await ws.journalLines(name)).find((l) => l.ref === ref)!.fp as string;
    expect(await fpOf('a.journal.jsonl', 'card-1')).not.toBe(await fpOf('b.journal.jsonl', 'card-2'));
  });

  it('journal, results, lock and cache files are the owner\'s only (0600), and the cache folder 0700', async () => {
    ws = await workspace();
    await ws.write('cards.csv', INPUT);
    expect((await ws.cli(['run', ws.path('cards.csv')])).code).toBe(0);
    const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
    expect(await modeOf(ws.path('cards.journal.jsonl'))).toBe(0o600);
    expect(await modeOf(ws.path('cards.results.csv'))).toBe(0o600);
    expect(await modeOf(ws.path('cache'))).toBe(0o700);
    const cached = await readdir(ws.path('cache'));
    expect(cached.length).toBeGreaterThan(0);
    for (const file of cached) expect(await modeOf(join(ws.path('cache'), file))).toBe(0o600);
    const lock = await acquireLock(ws.path('other.journal.jsonl'));
    try {
      expect(await modeOf(lock.path)).toBe(0o600);
    } finally {
      await lock.release();
    }
  });
});
