import { ModuleError } from '@pypeline/sdk';

interface MysqlErrorFields {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message?: string;
  fatal?: boolean;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT']);
// Server errors a retry can fix: deadlock, lock wait timeout, too many connections, server gone or shutting down.
const RETRYABLE_ERRNOS = new Set([1213, 1205, 1040, 1053, 2006, 2013, 1927]);

/**
 * A MySQL/MariaDB or network error as a ModuleError: `<doing>: <server message>`, with a hint
 * for the common causes, and `retryable` only for connection and lock trouble.
 */
export function mysqlError(error: unknown, doing: string): ModuleError {
  if (error instanceof ModuleError) return error;
  const e = (error ?? {}) as MysqlErrorFields;
  const message = e.sqlMessage || e.message || String(error) || 'connection closed';
  const code = e.code ?? '';
  const retryable = NETWORK_CODES.has(code) || RETRYABLE_ERRNOS.has(e.errno ?? 0) || /timeout/i.test(message);
  return new ModuleError(`${doing}: ${message}`, { retryable, hint: hintFor(code, e.errno ?? 0, message), cause: error });
}

function hintFor(code: string, errno: number, message: string): string | undefined {
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH') return 'check host and port, and that MySQL/MariaDB is running and accepts TCP connections (bind-address, skip-networking)';
  if (errno === 1045) return 'check user and password (pass the password from a context value)';
  if (errno === 1049) return 'check the database name, or create the database (CREATE DATABASE ...)';
  if (errno === 1146) return 'check the table name and database, or set create_table: true';
  if (errno === 1054) return 'a column named in the query or the input is not in the table: rename or drop it with select_mod, or add the column to the table';
  if (errno === 1062) return 'a row repeats a unique key already in the table; use mode: upsert with key, or mode: replace, or remove the duplicates';
  if (errno === 1064) return 'fix the SQL syntax near the text MySQL quotes (placeholders are ?)';
  if (errno === 1142 || errno === 1044) return "grant the flow's user the privilege the message names";
  if (errno === 1048 || errno === 1451 || errno === 1452 || errno === 3819 || errno === 4025) return 'a row breaks a table constraint (not null, foreign key, check)';
  if ([1264, 1265, 1292, 1366, 1406, 1367, 3140].includes(errno)) return 'a value does not fit its column type: cast or clean the column before loading (select_mod, derive_mod)';
  if (errno === 1210) return 'the number of params does not match the ? placeholders in the query';
  if (errno === 3948 || errno === 2068 || errno === 1148) return 'LOAD DATA LOCAL is disabled on the server (local_infile=OFF): set method: insert, or SET GLOBAL local_infile = 1';
  if (/timeout/i.test(message)) return 'the server did not answer in time: check it is reachable, or raise connect_timeout';
  return undefined;
}
