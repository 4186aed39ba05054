import pg from 'pg';
import { connectionConfig, type PostgresTarget } from './connection-config.js';
import { postgresError } from './postgres-error.js';

/** Every value arrives as PostgreSQL's text; the modules parse it into Arrow types themselves. */
export const TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * A connected client with the session time zone set to UTC, so timestamptz values come back
 * with a known offset. Aborting `signal` closes the connection, which fails any query running.
 */
export async function connect(target: PostgresTarget, signal?: AbortSignal): Promise<pg.Client> {
  const c = connectionConfig(target);
  const client = new pg.Client({
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl: c.ssl ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: c.connect_timeout * 1000,
    application_name: 'pypeline',
    options: '-c TimeZone=UTC',
    types: TEXT_TYPES,
  });
  // An idle client that loses its connection emits 'error'; without a listener that would crash the run.
  client.on('error', () => {});
  const onAbort = () => void client.end().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    await client.connect();
  } catch (error) {
    signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
    throw postgresError(error, `cannot connect to PostgreSQL at ${c.host}:${c.port} (database "${c.database}", user "${c.user}")`);
  }
  client.once('end', () => signal?.removeEventListener('abort', onAbort));
  return client;
}
