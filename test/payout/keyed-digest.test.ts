import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { legacyPayeeKey, payeeKeys } from '../../src/ledger/payee-key.js';
import { fingerprinter } from '../../src/payout/fingerprint.js';

// Journals and ledgers on disk hold these digests: the one keyed hash must give what each gave before.
describe('the one keyed hash, as the journal and the ledger stored it', () => {
  const secret = randomBytes(32);
  const fields = { holder: 'ADA LOVELACE', card_number: '5123810000000000' };
  const sorted = [['card_number', '5123810000000000'], ['holder', 'ADA LOVELACE']];

  it('a fingerprint is the first 16 bytes of the HMAC of [service, currency, amount, sorted fields]', () => {
    const text = JSON.stringify(['card_usd', 'USD', '10.5', sorted]);
    const expected = createHmac('sha256', secret).update(text).digest().subarray(0, 16).toString('base64url');
    expect(fingerprinter(secret.toString('base64url'))({ service: 'card_usd', currency: 'USD', amount: '10.50', fields })).toBe(expected);
  });

  it('a payee key is the whole HMAC of its text: version 1 [service, sorted fields], version 2 normalised', () => {
    const legacy = createHmac('sha256', secret).update(JSON.stringify(['card_usd', sorted])).digest('base64url');
    expect(legacyPayeeKey(secret, { service: 'card_usd', fields })).toBe(legacy);
    const normalised = [['card_number', '5123810000000000'], ['holder', 'adalovelace']];
    const v2 = createHmac('sha256', secret).update(JSON.stringify(['payee/2', normalised])).digest('base64url');
    expect(payeeKeys(secret).payee(fields)).toBe(v2);
  });
});
