import { ModuleError } from '@pypeline/sdk';

interface PgErrorFields {
  code?: string;
  detail?: string;
  hint?: string;
  where?: string;
  message?: string;
}

// SQLSTATE classes a retry can fix: connection trouble, too many connections, server shutting down.
const RETRYABLE_CLASSES = ['08', '53', '57', '58', '40'];
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * A PostgreSQL or network error as a ModuleError: `<doing>: <server message>`, then the server's
 * detail and context (COPY names the line and column), with a hint for the common causes.
 */
export function postgresError(error: unknown, doing: string): ModuleError {
  if (error instanceof ModuleError) return error;
  const e = (error ?? {}) as PgErrorFields & { name?: string };
  const message = e.message || String(error) || 'connection closed';
  const extra = [e.detail, e.where].filter(Boolean).map((s) => `\n  ${s!.split('\n')[0]}`).join('');
  const code = e.code ?? '';
  const retryable = NETWORK_CODES.has(code) || RETRYABLE_CLASSES.includes(code.slice(0, 2)) || /timeout|terminated|Connection terminated/i.test(message);
  return new ModuleError(`${doing}: ${message}${extra}`, { retryable, hint: e.hint ?? hintFor(code, message), cause: error });
}

function hintFor(code: string, message: string): string | undefined {
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'check host and port, and that PostgreSQL is running and accepts TCP connections';
  if (code === '28P01' || code === '28000') return 'check user and password (pass the password from a context value)';
  if (code === '3D000') return 'check the database name, or create the database';
  if (code === '42P01') return 'check the table name and schema, or set create_table: true';
  if (code === '42703') return 'the input has a column the table lacks: rename or drop it with select_mod, or add the column to the table';
  if (code.startsWith('22')) return 'a value does not fit its column type: cast or clean the column before loading (select_mod, derive_mod)';
  if (code === '23505') return 'a row repeats a unique key already in the table; use mode: replace or remove the duplicates';
  if (code.startsWith('23')) return 'a row breaks a table constraint (not null, foreign key, check)';
  if (code === '42601') return 'fix the SQL syntax near the position PostgreSQL names';
  if (/timeout/i.test(message)) return 'the server did not answer in time: check it is reachable, or raise connect_timeout';
  return undefined;
}
