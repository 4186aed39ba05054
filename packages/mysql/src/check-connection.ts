import type { Connection } from 'mysql2';
import { connect, disconnect, query } from './connect.js';
import { describeConnection, type MysqlConnection } from './connection-config.js';

/**
 * For a module's `check`: connects as the run would, asks `probe` what the module needs to know,
 * and disconnects. Returns `mysql://user@host:port/db (MariaDB 10.11.6): <what probe found>`.
 */
export async function checkConnection(target: MysqlConnection, signal: AbortSignal, probe: (connection: Connection) => Promise<string>): Promise<string> {
  const connection = await connect(target, signal);
  try {
    const version = String((await query(connection, 'SELECT VERSION()')).rows[0][0]);
    const server = /mariadb/i.test(version) ? `MariaDB ${version.split('-')[0]}` : `MySQL ${version}`;
    return `${describeConnection(target)} (${server}): ${await probe(connection)}`;
  } finally {
    await disconnect(connection);
  }
}
