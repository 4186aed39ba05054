import mysql, { type Connection, type FieldPacket } from 'mysql2';
import { connectionConfig, type MysqlConnection } from './connection-config.js';
import { mysqlError } from './mysql-error.js';

/**
 * How values arrive: BIGINT, DECIMAL, dates, times and JSON as the server's text (parsed into
 * Arrow types by the modules, so nothing loses precision), rows as arrays.
 */
const VALUE_OPTIONS = { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, jsonStrings: true, decimalNumbers: false, rowsAsArray: true } as const;

/**
 * A connected client, session time zone UTC (TIMESTAMP values are read and written as UTC) and
 * character set utf8mb4. Aborting `signal` destroys the connection, which fails any query running.
 */
export async function connect(target: MysqlConnection, signal?: AbortSignal): Promise<Connection> {
  const c = connectionConfig(target);
  signal?.throwIfAborted();
  const connection = mysql.createConnection({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    ssl: c.ssl ? { rejectUnauthorized: true } : undefined,
    connectTimeout: c.connect_timeout * 1000,
    charset: 'utf8mb4',
    timezone: 'Z',
    flags: ['+LOCAL_FILES'],
    ...VALUE_OPTIONS,
  });
  // A connection that breaks while idle emits 'error'; without a listener that would crash the run.
  connection.on('error', () => {});
  const onAbort = () => connection.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  connection.once('end', () => signal?.removeEventListener('abort', onAbort));
  try {
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
    await query(connection, "SET time_zone = '+00:00'");
    return connection;
  } catch (error) {
    signal?.removeEventListener('abort', onAbort);
    connection.destroy();
    signal?.throwIfAborted();
    throw mysqlError(error, `cannot connect to MySQL at ${c.host}:${c.port} (database "${c.database}", user "${c.user}")`);
  }
}

/** What a statement returned: its rows (arrays of values) and columns, or for a write the rows it touched. */
export interface StatementResult {
  rows: unknown[][];
  fields: FieldPacket[];
  affectedRows: number;
}

/** Runs `sql` as a prepared statement, `?` placeholders bound to `params` by the server (never spliced). */
export function execute(connection: Connection, sql: string, params: unknown[] = []): Promise<StatementResult> {
  return new Promise((resolve, reject) => {
    // mysql2's types allow no bigint or TypedParameter in the values, which it sends as such.
    connection.execute(sql, params as never, (error, result, fields) => (error ? reject(error) : resolve(toResult(result, fields))));
  });
}

/** Runs `sql` without parameters through the text protocol (statements MySQL cannot prepare, and DDL). */
export function query(connection: Connection, sql: string): Promise<StatementResult> {
  return new Promise((resolve, reject) => {
    connection.query(sql, (error, result, fields) => (error ? reject(error) : resolve(toResult(result, fields))));
  });
}

function toResult(result: unknown, fields: FieldPacket[] | undefined): StatementResult {
  if (Array.isArray(result)) return { rows: result as unknown[][], fields: fields ?? [], affectedRows: 0 };
  return { rows: [], fields: [], affectedRows: (result as { affectedRows?: number }).affectedRows ?? 0 };
}

/** Closes the connection, waiting for the server to see the quit; destroys it when that fails. */
export function disconnect(connection: Connection): Promise<void> {
  return new Promise((resolve) => {
    connection.end((error) => {
      if (error) connection.destroy();
      resolve();
    });
  });
}
