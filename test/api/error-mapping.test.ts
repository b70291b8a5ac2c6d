import { describe, expect, it } from 'vitest';
import { badResponse, httpError, parseRetryAfter, transportError } from '../../src/api/error-mapping.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it('reads seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});

describe('httpError effect', () => {
  it.each([
    ['GET', 500, 'none'],
    ['GET', 404, 'none'],
    ['POST', 400, 'none'],
    ['POST', 409, 'none'],
    ['POST', 429, 'none'],
    ['POST', 500, 'maybe'],
    ['POST', 503, 'maybe'],
    ['POST', 303, 'maybe'],
  ])('%s answered %d -> %s', (method, status, effect) => {
    expect(httpError(method, '/x', status, '', undefined).effect).toBe(effect);
  });

  it('accepts numeric codes and arrays of field messages', () => {
    const list = httpError('GET', '/x', 404, '{"errors":[{"status":"Not Found","code":404}]}', undefined);
    expect(list.items).toEqual([{ status: 'Not Found', code: '404' }]);
    const fields = httpError('POST', '/x', 422, '{"errors":{"amount":["too small","too odd"]}}', undefined);
    expect(fields.fieldErrors).toEqual({ amount: 'too small too odd' });
  });

  it('an error body in neither documented form gives no API words, never a half-read one', () => {
    for (const body of ['not json', 'null', '{"errors":[{"title":"x"},"y"]}', '{"errors":[{"detail":{"x":1}}]}', '{"errors":{"amount":["x",1]}}', '{"errors":{"amount":{"x":"y"}}}', '{"errors":7}']) {
      const error = httpError('POST', '/x', 422, body, undefined);
      expect([error.items, error.fieldErrors, error.apiMessage], body).toEqual([[], undefined, '']);
    }
    expect(httpError('POST', '/x', 422, '{"errors":[{"title":null,"detail":"too small"}]}', undefined).apiMessage).toBe('too small');
  });
});

describe('transportError', () => {
  it.each([
    ['GET', { name: 'TimeoutError', code: 'ETIMEDOUT' }, 'timeout', 'none'],
    ['POST', { name: 'TimeoutError', code: 'ETIMEDOUT' }, 'timeout', 'maybe'],
    ['POST', { name: 'RequestError', code: 'ECONNRESET' }, 'network', 'maybe'],
    ['POST', { name: 'RequestError', code: 'EPIPE' }, 'network', 'maybe'],
    ['POST', { name: 'ReadError', code: 'ERR_STREAM_PREMATURE_CLOSE' }, 'network', 'maybe'],
    ['POST', { name: 'RequestError', code: 'ECONNREFUSED' }, 'network', 'none'],
    ['POST', { name: 'RequestError', code: 'ENOTFOUND' }, 'network', 'none'],
    ['GET', { name: 'RequestError', code: 'ECONNRESET' }, 'network', 'none'],
  ])('%s %o -> %s, effect %s', (method, failure, kind, effect) => {
    expect(transportError(method, '/x', failure)).toMatchObject({ kind, effect, causeCode: failure.code });
  });

  it('names a bare socket hang up ECONNRESET', () => {
    const e = transportError('POST', '/x', { name: 'RequestError', code: 'ERR_GOT_REQUEST_ERROR', message: 'socket hang up' });
    expect(e).toMatchObject({ kind: 'network', effect: 'maybe', causeCode: 'ECONNRESET' });
  });
});

describe('badResponse', () => {
  it('a POST with an unusable 2xx may have taken effect; a GET did not', () => {
    expect(badResponse('POST', '/x', 'ERR_BODY_SHAPE', 'data: missing').effect).toBe('maybe');
    expect(badResponse('GET', '/x', 'ERR_BODY_SHAPE', 'data: missing').effect).toBe('none');
  });
});
