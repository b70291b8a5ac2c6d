import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/api/failure-class.js';
import { isServerFailure, type FailureClass as Failure } from '../../src/payout/failure.js';
import { CREATE, LOOKUP, PROCESS, READ, apiError, failureAt, httpError, type Where } from '../payout/machine-helpers.js';

const expectedOnPost: Record<string, Failure> = {
  '401': 'auth',
  '403': 'auth',
  '400': 'rejected',
  '422': 'rejected',
  '404': 'not_found',
  // A create or process answered 429 may be a duplicate of one that took effect: looked up first.
  '429': 'throttled_or_duplicate',
  '500 maybe': 'unknown_effect',
  '502 maybe': 'unknown_effect',
  '503 maybe': 'unknown_effect',
  '500 none': 'transient',
  '502 none': 'transient',
  '503 none': 'transient',
  timeout: 'unknown_effect',
  'network maybe': 'unknown_effect',
  'network none': 'transient',
  bad_response: 'unknown_effect',
};

const expectedOnGet: Record<string, Failure> = {
  ...expectedOnPost,
  '429': 'throttled',
  timeout: 'transient',
  bad_response: 'transient',
};

function table(where: Where, expected: Record<string, Failure>): [string, Failure, Where][] {
  return Object.entries(expected).map(([name, failure]) => [name, failure, where]);
}

describe('classifyFailure', () => {
  it.each([...table(CREATE, expectedOnPost), ...table(PROCESS, expectedOnPost)])(
    '%s on a POST is %s',
    (name, failure, where) => {
      expect(classifyFailure(failureAt(where, name))).toBe(failure);
    },
  );

  it.each([...table(LOOKUP, expectedOnGet), ...table(READ, expectedOnGet)])('%s on a GET is %s', (name, failure, where) => {
    expect(classifyFailure(failureAt(where, name))).toBe(failure);
  });

  it('reads a 409 on create as a duplicate reference', () => {
    expect(classifyFailure(httpError(CREATE, 409))).toBe('duplicate');
  });

  it('reads a 409 on process as an invoice that is no longer created', () => {
    expect(classifyFailure(httpError(PROCESS, 409))).toBe('invalid_status');
  });

  it.each([405, 413])('treats HTTP %i as a refusal with no effect', (status) => {
    expect(classifyFailure(httpError(CREATE, status))).toBe('rejected');
  });

  it('lets the effect decide for any other HTTP status', () => {
    expect(classifyFailure(httpError(CREATE, 418, { effect: 'none' }))).toBe('transient');
    expect(classifyFailure(httpError(CREATE, 504, { effect: 'maybe' }))).toBe('unknown_effect');
  });

  it('never reads a status code on a failure that is not an HTTP answer', () => {
    const timeoutWith401 = apiError(CREATE, { kind: 'timeout', status: 401, effect: 'maybe' });
    expect(classifyFailure(timeoutWith401)).toBe('unknown_effect');
  });
});

describe('isServerFailure', () => {
  it.each<[Failure, boolean]>([
    ['unknown_effect', true],
    ['transient', true],
    ['throttled', true],
    ['auth', false],
    ['duplicate', false],
    ['invalid_status', false],
    ['rejected', false],
    ['not_found', false],
  ])('%s counts towards "the API is down": %s', (failure, expected) => {
    expect(isServerFailure(failure)).toBe(expected);
  });
});
