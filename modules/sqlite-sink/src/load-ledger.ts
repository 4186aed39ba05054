import type Database from 'better-sqlite3';
import { LEDGER_TABLE, type LedgerSession, type LoadKey } from '@pypeline/sdk';

const NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

/**
 * The sdk's ledger steps (loadOnce) in SQLite: BEGIN IMMEDIATE takes the write lock at once, so
 * nothing changes the table between the load's checks and its rows, and a second attempt with
 * the same key waits (busy_timeout) for the first one's transaction to end.
 */
export function sqliteLedger(db: Database.Database): LedgerSession {
  return {
    async begin() {
      db.exec('BEGIN IMMEDIATE');
      db.exec(`CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (run_id TEXT NOT NULL, node_key TEXT NOT NULL, target TEXT NOT NULL, rows INTEGER NOT NULL, committed_at TEXT NOT NULL, PRIMARY KEY (run_id, node_key))`);
    },
    async commit() {
      db.exec('COMMIT');
    },
    async rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    async claim(key: LoadKey, target: string) {
      const claimed = db.prepare(`INSERT OR IGNORE INTO ${LEDGER_TABLE} (run_id, node_key, target, rows, committed_at) VALUES (?, ?, ?, 0, ${NOW})`).run(key.runId, key.nodeKey, target);
      return claimed.changes > 0;
    },
    async read(key: LoadKey) {
      const row = db.prepare<[string, string], { rows: number; committed_at: string }>(`SELECT rows, committed_at FROM ${LEDGER_TABLE} WHERE run_id = ? AND node_key = ?`).get(key.runId, key.nodeKey)!;
      return { rows: Number(row.rows), committedAt: row.committed_at };
    },
    async record(key: LoadKey, rows: number) {
      db.prepare(`UPDATE ${LEDGER_TABLE} SET rows = ?, committed_at = ${NOW} WHERE run_id = ? AND node_key = ?`).run(rows, key.runId, key.nodeKey);
    },
  };
}
