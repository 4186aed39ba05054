import type pg from 'pg';
import { connect } from './connect.js';
import { describeConnection, type PostgresTarget } from './connection-config.js';

/**
 * For a module's `check`: connects as the run would, asks `probe` what the module needs to know
 * (a query plans, a table is there and writable), and disconnects. Returns
 * `postgres://user@host:port/db (PostgreSQL 16.4): <what probe found>`; connection errors are
 * the run's own, with their hints.
 */
export async function checkConnection(target: PostgresTarget, signal: AbortSignal, probe: (client: pg.Client) => Promise<string>): Promise<string> {
  const client = await connect(target, signal);
  try {
    const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    return `${describeConnection(target)} (PostgreSQL ${version.split(' ')[0]}): ${await probe(client)}`;
  } finally {
    await client.end().catch(() => {});
  }
}
