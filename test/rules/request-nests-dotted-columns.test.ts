import { describe, expect, it } from 'vitest';
import { columnName, isStandardColumn } from '../../src/csv/columns.js';
import { buildRequest } from '../../src/rules/request.js';

const build = (cells: Record<string, string>) => buildRequest(cells, 'r1', 'card', 'USD', '10.00');

describe('the create request nests dotted columns at every level', () => {
  it('context, customer address and metadata, metadata: objects inside objects, cells as written', () => {
    const built = build({
      'context.card.card_holder': 'JOHN WICK',
      'context.card.exp_month': '09',
      'context.ip': '10.0.0.1',
      'customer.reference_id': '007',
      'customer.address.post_code': '01001',
      'customer.metadata.url': 'https://x.test',
      'metadata.order.line.id': '0.50',
      'fields.card_number': '4111111111111111',
    });
    expect(built).toEqual({
      ok: true,
      request: {
        referenceId: 'r1', service: 'card', currency: 'USD', amount: '10.00',
        fields: { card_number: '4111111111111111' },
        context: { card: { card_holder: 'JOHN WICK', exp_month: '09' }, ip: '10.0.0.1' },
        customer: { reference_id: '007', address: { post_code: '01001' }, metadata: { url: 'https://x.test' } },
        metadata: { order: { line: { id: '0.50' } } },
      },
    });
  });

  it('options: true/false in any case are booleans, every other cell stays text; fields keys stay whole', () => {
    const built = build({ 'options.auto_process': 'TRUE', 'options.split_mode': 'False', 'options.tries': '3', 'options.mode': 'yes', 'fields.a.b': '1' });
    expect(built).toMatchObject({
      ok: true,
      request: { options: { auto_process: true, split_mode: false, tries: '3', mode: 'yes' }, fields: { 'a.b': '1' } },
    });
    // Only options are read as booleans.
    expect(build({ 'context.flag': 'true' })).toMatchObject({ request: { context: { flag: 'true' } } });
  });

  it('a value and an object in one place is a clash naming both columns, whichever comes first', () => {
    expect(build({ 'context.card': 'visa', 'context.card.exp_month': '09' })).toEqual({
      ok: false,
      clash: { parent: 'context.card', child: 'context.card.exp_month' },
    });
    expect(build({ 'customer.address.city.district': 'x', 'customer.address.city': 'Kyiv' })).toEqual({
      ok: false,
      clash: { parent: 'customer.address.city', child: 'customer.address.city.district' },
    });
  });

  it('a key named __proto__ is a key like any other, never the prototype', () => {
    const built = build({ 'context.__proto__.polluted': 'yes', 'metadata.constructor.prototype': 'x' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(built.ok && JSON.stringify(built.request.context)).toBe('{"__proto__":{"polluted":"yes"}}');
    expect(built.ok && JSON.stringify(built.request.metadata)).toBe('{"constructor":{"prototype":"x"}}');
  });

  it('options.* is a column of the file; a column with an empty dotted part is not', () => {
    expect(isStandardColumn('options.auto_process')).toBe(true);
    expect(isStandardColumn('context.card.exp_month')).toBe(true);
    expect(isStandardColumn('context.card..exp_month')).toBe(false);
    expect(isStandardColumn('context.card.')).toBe(false);
    // An options key is the API's, matched like a column name; a context key is the user's, kept.
    expect(columnName('Options.Auto Process')).toBe('options.auto_process');
    expect(columnName('Context.Card.Exp Month')).toBe('context.Card.Exp Month');
  });
});
