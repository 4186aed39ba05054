import { CONNECTION_DEFAULTS, connect, postgresError, type PostgresConnection } from '@pypeline/postgres';
import type pg from 'pg';

/** A `postgres://user:password@host:port/database?sslmode=require` URL, or the fields of one. */
export type PostgresTarget = string | PostgresConnection;

/** The connection fields of a URL (the form psql and libpq take). */
export function connectionFromUrl(url: string): PostgresConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`"${url.replace(/:[^:@/]*@/, ':***@')}" is not a PostgreSQL URL (write postgres://user@host:5432/database)`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new Error(`a PostgreSQL URL starts with postgres:// or postgresql://, not ${u.protocol}// (write postgres://user@host:5432/database)`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error('the PostgreSQL URL names no database (write postgres://user@host:5432/database)');
  const sslmode = u.searchParams.get('sslmode');
  return {
    database,
    ...(u.hostname ? { host: u.hostname.replace(/^\[(.*)\]$/, '$1') } : {}),
    ...(u.port ? { port: Number(u.port) } : {}),
    ...(u.username ? { user: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(sslmode && sslmode !== 'disable' && sslmode !== 'prefer' && sslmode !== 'allow' ? { ssl: true } : {}),
  };
}

export function connectionConfig(target: PostgresTarget): PostgresConnection {
  return typeof target === 'string' ? connectionFromUrl(target) : target;
}

/** Where the sink writes, for logs and messages; never shows the password. */
export function describeConnection(c: PostgresConnection): string {
  const d = { ...CONNECTION_DEFAULTS, ...c };
  return `postgres://${d.user}@${d.host}:${d.port}/${d.database}`;
}

/**
 * A PostgreSQL failure as one plain Error whose message carries what the sink was doing, the
 * server's words and the fix (the runner shows only `message`, so the hint goes in it).
 */
export function pgFailure(error: unknown, doing: string): Error {
  const e = postgresError(error, doing);
  return new Error(e.hint ? `${e.message} (${e.hint})` : e.message, { cause: error });
}

/** A connected client (session time zone UTC); a refused connection says where and how to fix it. */
export async function openClient(c: PostgresConnection): Promise<pg.Client> {
  try {
    return await connect(c);
  } catch (error) {
    throw pgFailure(error, 'cannot connect');
  }
}
