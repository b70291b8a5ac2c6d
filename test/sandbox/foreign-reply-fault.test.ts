import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.js';
import { call, create, createOk, open, processInvoice, testUsd } from './sandbox-calls.js';

// The fault issue 10 §5 needs: an answer carrying another reference's invoice after the work is done.
let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function start(opts: SandboxOptions = {}): Promise<Sandbox> {
  sb = await open(opts);
  return sb;
}

describe('foreign-reply', () => {
  it('create: the invoice is created, the answer carries `replyWith`’s invoice', async () => {
    const s = await start({ faults: { script: [{ endpoint: 'create', referenceId: 'b', kind: 'foreign-reply', replyWith: 'a' }] } });
    const a = await createOk(s, testUsd('a'));
    const answer = await create(s, testUsd('b'));
    expect(answer.status).toBe(201);
    expect(answer.json.data).toMatchObject({ id: a, attributes: { reference_id: 'a' } });
    expect(s.invoices().map((i) => i.referenceId)).toEqual(['a', 'b']);
    expect(s.counters.faultsInjected).toEqual({ 'foreign-reply': 1 });
  });

  it('process, get and list (by filter[reference_id]) answer with the newest invoice of another reference', async () => {
    const s = await start();
    const a = await createOk(s, testUsd('a'));
    const b = await createOk(s, testUsd('b'));
    s.setFaults({
      script: [
        { endpoint: 'process', referenceId: 'a', kind: 'foreign-reply' },
        { endpoint: 'getInvoice', referenceId: 'a', kind: 'foreign-reply' },
        { endpoint: 'listInvoices', referenceId: 'a', kind: 'foreign-reply' },
      ],
    });
    const processed = await processInvoice(s, a);
    expect(processed.json.data.id).toBe(b);
    expect(s.invoices().find((i) => i.referenceId === 'a')?.status).not.toBe('created'); // the work was done
    expect((await call(s, 'GET', `/payout-invoices/${a}`)).json.data.id).toBe(b);
    const listed = await call(s, 'GET', '/payout-invoices?filter[reference_id]=a');
    expect(listed.json.data.map((r: { attributes: { reference_id: string } }) => r.attributes.reference_id)).toEqual(['b']);
    expect((await call(s, 'GET', `/payout-invoices/${a}`)).json.data.id).toBe(a); // one-shot
  });

  it('leaves error answers and a lone invoice as they are', async () => {
    const s = await start({ faults: { script: [{ endpoint: 'create', kind: 'foreign-reply', times: 2 }] } });
    expect((await create(s, testUsd('a'))).json.data.attributes.reference_id).toBe('a'); // no other invoice exists
    expect((await create(s, testUsd('a'))).status).toBe(409);
  });

  it('foreignReplyRate touches only invoice answers', async () => {
    const s = await start({ faults: { foreignReplyRate: 1 } });
    await createOk(s, testUsd('a'));
    expect((await create(s, testUsd('b'))).json.data.attributes.reference_id).toBe('a');
    expect((await call(s, 'GET', '/payout-services')).status).toBe(200);
    expect(s.counters.faultsInjected['foreign-reply']).toBe(2);
  });
});
