import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import { storing } from '../../activities/unstorable-data.js';
import { storableText } from '../../libs/persistence/storable-text.js';
import { UNSTORABLE_DATA } from '../../libs/temporal/contracts/ticket.js';

const driverError = (sqlState: string) => Object.assign(new Error(`driver said ${sqlState}`), { code: sqlState });

describe('storing: which database failures are permanent', () => {
  it.each(['22021', '22P05', '23502', '54000', '08P01'])('turns SQLSTATE %s into a non-retryable UnstorableData failure', async (sqlState) => {
    const failure = await storing(() => Promise.reject(driverError(sqlState))).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: UNSTORABLE_DATA, nonRetryable: true });
    expect((failure as Error).message).toContain(`SQLSTATE ${sqlState}`);
  });

  it('finds the SQLSTATE on a wrapped cause', async () => {
    const wrapped = new Error('transaction failed', { cause: driverError('22021') });
    await expect(storing(() => Promise.reject(wrapped))).rejects.toMatchObject({ type: UNSTORABLE_DATA });
  });

  it.each(['57P01', '08006', '40001', '53300'])('rethrows SQLSTATE %s as it is, to be retried', async (sqlState) => {
    const error = driverError(sqlState);
    await expect(storing(() => Promise.reject(error))).rejects.toBe(error);
  });

  it('rethrows a connection error without a SQLSTATE', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(storing(() => Promise.reject(refused))).rejects.toBe(refused);
  });
});

describe('storableText', () => {
  it('replaces NUL and unpaired surrogates and keeps everything else', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(storableText('emoji 😀 and ümlaut')).toBe('emoji 😀 and ümlaut');
  });
});
