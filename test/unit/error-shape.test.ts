import { describe, expect, it } from '@jest/globals';
import { errorBodyOf } from '../../apps/api/common/error.filter.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const wrapped = (cause: unknown) => new Error('query failed', { cause });

describe('the error shape of failures that are not HTTP errors', () => {
  it('answers 503 for a lost database connection, also when node-postgres names it only in its message', () => {
    expect(errorBodyOf(wrapped(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).statusCode).toBe(503);
    expect(errorBodyOf(wrapped(withCode('terminating connection due to administrator command', '57P01'))).statusCode).toBe(503);
    expect(errorBodyOf(wrapped(withCode('connection failure', '08006'))).statusCode).toBe(503);
    expect(errorBodyOf(wrapped(new Error('Connection terminated unexpectedly')))).toMatchObject({ statusCode: 503, error: 'service_unavailable' });
  });

  it('does not call a protocol violation (data PostgreSQL refuses) an outage', () => {
    expect(errorBodyOf(wrapped(withCode('invalid message format', '08P01')))).toMatchObject({ statusCode: 500, error: 'internal_error' });
  });
});
