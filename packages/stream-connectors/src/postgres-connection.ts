import { connect, postgresError, type PostgresTarget } from '@pypeline/postgres';
import type pg from 'pg';

/**
 * A PostgreSQL failure as one plain Error whose message carries what the sink was doing, the
 * server's words and the fix (the runner shows only `message`, so the hint goes in it).
 */
export function pgFailure(error: unknown, doing: string): Error {
  const e = postgresError(error, doing);
  return new Error(e.hint ? `${e.message} (${e.hint})` : e.message, { cause: error });
}

/** A connected client (session time zone UTC); a refused connection says where and how to fix it. */
export async function openClient(target: PostgresTarget): Promise<pg.Client> {
  try {
    return await connect(target);
  } catch (error) {
    throw pgFailure(error, 'cannot connect');
  }
}
