import { postgresError } from '@pypeline/postgres';
import { ModuleError, type LedgerSession, type LoadKey } from '@pypeline/sdk';
import type pg from 'pg';

const ledgerDdl = (ledger: string) =>
  `CREATE TABLE IF NOT EXISTS ${ledger} (run_id text NOT NULL, node_key text NOT NULL, target text NOT NULL, rows bigint NOT NULL, committed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run_id, node_key))`;

/**
 * Creates the ledger when it is missing. Checked first, because CREATE TABLE IF NOT EXISTS needs
 * the CREATE privilege on the schema even when the table exists.
 */
export async function ensureLedger(client: pg.Client, ledger: string): Promise<void> {
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [ledger]);
  if (rows[0]?.found) return;
  try {
    await client.query(ledgerDdl(ledger));
  } catch (error) {
    // Two loads creating it at once: one wins, the other sees a duplicate type or table.
    const code = (error as { code?: string }).code;
    if (code === '23505' || code === '42P07') return;
    if (code === '42501') {
      throw new ModuleError(`postgres_sink cannot create its ledger table ${ledger}, where each load records itself so a resumed run never loads twice: ${(error as Error).message}`, {
        retryable: false,
        hint: `create it once as a user who may, then let this user write to it: ${ledgerDdl(ledger)}; GRANT SELECT, INSERT, UPDATE ON ${ledger} TO <this user>. Or set ledger_schema to a schema this user may create tables in`,
        cause: error,
      });
    }
    throw postgresError(error, `cannot create the ledger table ${ledger}`);
  }
}

/**
 * The load's transaction and the ledger statements on one client, in PostgreSQL's SQL. DDL is
 * transactional in PostgreSQL, so a created table rolls back with the rows.
 */
export function postgresLedgerSession(client: pg.Client, ledger: string): LedgerSession {
  const where = (key: LoadKey) => [key.runId, key.nodeKey];
  return {
    begin: async () => void (await client.query('BEGIN')),
    commit: async () => void (await client.query('COMMIT')),
    rollback: async () => void (await client.query('ROLLBACK')),
    // ON CONFLICT waits for a concurrent transaction holding the same key, then does nothing if that one committed.
    claim: async (key, target) =>
      Boolean((await ledgerQuery(client, ledger, `INSERT INTO ${ledger} (run_id, node_key, target, rows) VALUES ($1, $2, $3, 0) ON CONFLICT (run_id, node_key) DO NOTHING RETURNING run_id`, [...where(key), target])).rowCount),
    read: async (key) => {
      const { rows } = await ledgerQuery(client, ledger, `SELECT rows::text AS rows, committed_at::text AS committed_at FROM ${ledger} WHERE run_id = $1 AND node_key = $2`, where(key));
      const row = rows[0] as { rows: string; committed_at: string };
      return { rows: Number(row.rows), committedAt: row.committed_at };
    },
    record: async (key, rows) => void (await ledgerQuery(client, ledger, `UPDATE ${ledger} SET rows = $3, committed_at = now() WHERE run_id = $1 AND node_key = $2`, [...where(key), rows])),
  };
}

async function ledgerQuery(client: pg.Client, ledger: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
  try {
    return await client.query(sql, params);
  } catch (error) {
    const failure = postgresError(error, `cannot record the load in the ledger table ${ledger}`);
    if ((error as { code?: string }).code !== '42501') throw failure;
    throw new ModuleError(failure.message, { retryable: false, hint: `GRANT SELECT, INSERT, UPDATE ON ${ledger} TO <this user> (as its owner), or set ledger_schema to a schema where this user has a ledger of its own`, cause: error });
  }
}
