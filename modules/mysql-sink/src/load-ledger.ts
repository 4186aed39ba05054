import type { Connection } from 'mysql2';
import { execute, mysqlError, query } from '@pypeline/mysql';
import { ModuleError, type LedgerSession, type LoadKey } from '@pypeline/sdk';

const ledgerDdl = (ledger: string) =>
  `CREATE TABLE IF NOT EXISTS ${ledger} (run_id VARCHAR(191) NOT NULL, node_key VARCHAR(191) NOT NULL, target VARCHAR(1024) NOT NULL, \`rows\` BIGINT NOT NULL, committed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (run_id, node_key)) ENGINE=InnoDB CHARACTER SET utf8mb4`;

/**
 * Creates the ledger when it is missing, before the load's transaction (MySQL commits DDL at
 * once). An existing ledger needs no CREATE privilege: the statement is only sent when the table is not there.
 */
export async function ensureLedger(connection: Connection, ledger: string, database: string, table: string): Promise<void> {
  const found = await execute(connection, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, table]);
  if (found.rows.length > 0) return;
  try {
    await query(connection, ledgerDdl(ledger));
  } catch (error) {
    const errno = (error as { errno?: number }).errno;
    if (errno === 1142 || errno === 1044) {
      throw new ModuleError(`mysql_sink cannot create its ledger table ${ledger}, where each load records itself so a resumed run never loads twice: ${(error as Error).message}`, {
        retryable: false,
        hint: `create it once as a user who may, then let this user write to it: ${ledgerDdl(ledger)}; GRANT SELECT, INSERT, UPDATE ON ${ledger} TO <this user>. Or set ledger_database to a database this user may create tables in`,
        cause: error,
      });
    }
    throw mysqlError(error, `cannot create the ledger table ${ledger}`);
  }
}

/** The load's transaction and the ledger statements on one connection, in MySQL's SQL. */
export function mysqlLedgerSession(connection: Connection, ledger: string): LedgerSession {
  const run = async (sql: string, params: unknown[]) => {
    try {
      return await execute(connection, sql, params);
    } catch (error) {
      const failure = mysqlError(error, `cannot record the load in the ledger table ${ledger}`);
      if ((error as { errno?: number }).errno !== 1142) throw failure;
      throw new ModuleError(failure.message, { retryable: false, hint: `GRANT SELECT, INSERT, UPDATE ON ${ledger} TO <this user>, or set ledger_database to a database where this user has a ledger of its own`, cause: error });
    }
  };
  const where = (key: LoadKey) => [key.runId, key.nodeKey];
  return {
    begin: async () => void (await query(connection, 'START TRANSACTION')),
    commit: async () => void (await query(connection, 'COMMIT')),
    rollback: async () => void (await query(connection, 'ROLLBACK')),
    // INSERT IGNORE waits on the row lock of a concurrent claim of the same key, then skips it if that one committed.
    claim: async (key, target) => (await run(`INSERT IGNORE INTO ${ledger} (run_id, node_key, target, \`rows\`) VALUES (?, ?, ?, 0)`, [...where(key), target])).affectedRows === 1,
    read: async (key) => {
      const { rows } = await run(`SELECT \`rows\`, DATE_FORMAT(committed_at, '%Y-%m-%d %H:%i:%s.%f+00') FROM ${ledger} WHERE run_id = ? AND node_key = ? LOCK IN SHARE MODE`, where(key));
      return { rows: Number(rows[0][0]), committedAt: String(rows[0][1]) };
    },
    record: async (key, rows) => void (await run(`UPDATE ${ledger} SET \`rows\` = ?, committed_at = CURRENT_TIMESTAMP(6) WHERE run_id = ? AND node_key = ?`, [rows, ...where(key)])),
  };
}
