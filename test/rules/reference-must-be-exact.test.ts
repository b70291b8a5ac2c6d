import { afterEach, describe, expect, it } from 'vitest';
import { csv, HEADER, workspace, type Workspace } from '../helpers/workspace.js';

describe('a reference is exact: invisible differences never make a second payout', () => {
  let ws: Workspace;
  afterEach(async () => {
    await ws.close();
  });

  it('pays "ws-1" once and refuses "ws-1 ", " ws-1" and "ws-1<TAB>" as invalid, naming the invisible character', async () => {
    ws = await workspace();
    const refs = ['ws-1', 'ws-1 ', ' ws-1', 'ws-1\t'];
    await ws.write('payouts.csv', csv(HEADER, refs.map((ref) => [ref, 'test_usd', 'USD', '25.00', '123456789'])));

    const r = await ws.cli(['run', ws.path('payouts.csv')]);

    expect(r.code, r.stderr).toBe(1);
    expect(ws.sandbox.counters.requests.create).toBe(1);
    const results = await ws.results();
    expect(results.map((row) => [row['reference_id'], row['outcome'], row['error_code']])).toEqual([
      ['ws-1', 'processed', ''],
      ['ws-1 ', 'invalid', 'invisible_character_in_reference_id'],
      [' ws-1', 'invalid', 'invisible_character_in_reference_id'],
      ['ws-1\t', 'invalid', 'invisible_character_in_reference_id'],
    ]);
    expect(results[1]!['error_message']).toContain('"ws-1␠"');
    expect(results[2]!['error_message']).toContain('"␠ws-1"');
    expect(results[3]!['error_message']).toContain('"ws-1␉"');
  });

  it('refuses a reference that is another one in another Unicode form (NFD, fullwidth): it looks the same', async () => {
    ws = await workspace();
    const nfc = 'Zo\u00eb-1';
    const nfd = 'Zoe\u0308-1';
    const refs = [nfc, 'ws-1', nfd, '\uff57\uff53-\uff11'];
    await ws.write('payouts.csv', csv(HEADER, refs.map((ref) => [ref, 'test_usd', 'USD', '25.00', '123456789'])));

    // --allow-repeat: this is about references; the repeat-payee guard would also hold line 3 (same payee and amount).
    const r = await ws.cli(['run', ws.path('payouts.csv'), '--allow-repeat']);

    expect(r.code, r.stderr).toBe(1);
    expect(ws.sandbox.counters.requests.create).toBe(2);
    const results = await ws.results();
    expect(results.map((row) => [row['reference_id'], row['outcome'], row['error_code']])).toEqual([
      [nfc, 'processed', ''],
      ['ws-1', 'processed', ''],
      [nfd, 'invalid', 'duplicate_reference_id'],
      ['\uff57\uff53-\uff11', 'invalid', 'duplicate_reference_id'],
    ]);
    expect(results[2]!['error_message']).toContain('looks the same as the reference of line 2');
    expect(results[3]!['error_message']).toContain('looks the same as the reference of line 3');
  });
});
