import { ApplicationFailure } from '@temporalio/common';
import { UNSTORABLE_DATA } from '../libs/temporal/contracts/ticket.js';

/**
 * SQLSTATE classes that mean the data itself can never be stored, so retrying cannot help:
 * 22 data exception (a NUL byte, an invalid encoding, a value out of range),
 * 23 integrity constraint violation, 54 program limit exceeded (a row or index entry too large).
 */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '54']);
/** 08P01 protocol violation: what the server answers when a parameter carries a NUL byte, however often it is sent. */
const PERMANENT_SQLSTATES = new Set(['08P01']);

/**
 * Runs a database write of an activity. A refusal of the data for good becomes a non-retryable
 * failure of type UNSTORABLE_DATA, so the workflow can quarantine what it tried to store instead of
 * retrying for ever; anything else (the database is down) is thrown as it is and retried.
 */
export async function storing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const sqlState = sqlStateOf(error);
    if (sqlState && (PERMANENT_SQLSTATE_CLASSES.has(sqlState.slice(0, 2)) || PERMANENT_SQLSTATES.has(sqlState))) {
      throw ApplicationFailure.nonRetryable(`the database refused the data (SQLSTATE ${sqlState}): ${(error as Error).message}`, UNSTORABLE_DATA);
    }
    throw error;
  }
}

function sqlStateOf(error: unknown): string | null {
  for (let current: unknown = error; current instanceof Error; current = (current as { cause?: unknown }).cause) {
    const { sqlState, code } = current as { sqlState?: unknown; code?: unknown };
    const candidate = typeof sqlState === 'string' ? sqlState : code;
    if (typeof candidate === 'string' && /^[0-9A-Z]{5}$/.test(candidate)) return candidate;
  }
  return null;
}
