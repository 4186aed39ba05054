import { stat } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { ModuleError } from '@pypeline/sdk';
import type { SqliteParam } from './config.js';

/** Opens an existing database file read-only; a missing file is named, not created. */
export async function openDatabase(path: string): Promise<Database.Database> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ModuleError(`SQLite database ${path} ${error.code === 'ENOENT' ? 'does not exist' : `cannot be read: ${error.message}`}`, {
      retryable: false,
      hint: 'check database (relative paths are resolved from the folder pype runs in) and the context values in it',
      cause: error,
    });
  });
  if (!info.isFile()) throw new ModuleError(`${path} is not a file`, { retryable: false, hint: 'point database at a SQLite database file' });
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('schema_version'); // reads the header: a file that is not a database fails here
    return db;
  } catch (error) {
    throw sqliteError(error, `cannot open ${path} as a SQLite database`, 'check that the file is a SQLite 3 database and not damaged');
  }
}

/** Prepares the query with integers read as BigInt (exact past 2^53); a syntax error or unknown table is the user's. */
export function prepareQuery(db: Database.Database, query: string): Database.Statement<unknown[], unknown[]> {
  try {
    const statement = db.prepare<unknown[], unknown[]>(query);
    if (!statement.reader) throw new ModuleError('sqlite_source runs queries that return rows; this one returns none', { retryable: false, hint: 'write a SELECT (or a statement with RETURNING); to change data use sqlite_sink' });
    return statement.safeIntegers(true).raw(true);
  } catch (error) {
    if (error instanceof ModuleError) throw error;
    throw sqliteError(error, 'query does not prepare', 'check the SQL, and the table and column names against the database');
  }
}

// Strings, quoted names and comments, where a `$1` or `?` is not a parameter.
const NOT_CODE = /'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\//g;

/** The params as better-sqlite3 binds them: `$1`, `$2`, ... by number; `?` in order. */
export function bindings(query: string, params: SqliteParam[]): unknown[] {
  const code = query.replace(NOT_CODE, ' ');
  const values = params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
  if (/\$\d+/.test(code)) return [Object.fromEntries(values.map((v, i) => [String(i + 1), v]))];
  return values;
}

/** A ModuleError for a better-sqlite3 error: what was being done, SQLite's message, and the fix. */
export function sqliteError(error: unknown, doing: string, hint: string): ModuleError {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code ?? '';
  return new ModuleError(`${doing}: ${reason}`, { retryable: code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED', hint: code === 'SQLITE_BUSY' ? 'another process holds a write lock on the database; retry when it is done' : hint, cause: error });
}
