import type Database from 'better-sqlite3';
import { LEDGER_TABLE, type LoadKey, type RecordedLoad } from '@pypeline/sdk';

/**
 * Inside the load's transaction: creates the ledger if need be and claims the load's row, or
 * returns the load an earlier attempt of this run committed (then nothing is loaded again).
 */
export function claimLoad(db: Database.Database, key: LoadKey, target: string): RecordedLoad | undefined {
  db.exec(`CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (run_id TEXT NOT NULL, node_key TEXT NOT NULL, target TEXT NOT NULL, rows INTEGER NOT NULL, committed_at TEXT NOT NULL, PRIMARY KEY (run_id, node_key))`);
  const claimed = db.prepare(`INSERT OR IGNORE INTO ${LEDGER_TABLE} (run_id, node_key, target, rows, committed_at) VALUES (?, ?, ?, 0, strftime('%Y-%m-%d %H:%M:%f', 'now'))`).run(key.runId, key.nodeKey, target);
  if (claimed.changes > 0) return undefined;
  const row = db.prepare<[string, string], { rows: number; committed_at: string }>(`SELECT rows, committed_at FROM ${LEDGER_TABLE} WHERE run_id = ? AND node_key = ?`).get(key.runId, key.nodeKey)!;
  return { rows: Number(row.rows), committedAt: row.committed_at };
}

/** Inside the load's transaction, after the rows: the count the load commits with. */
export function recordLoad(db: Database.Database, key: LoadKey, rows: number): void {
  db.prepare(`UPDATE ${LEDGER_TABLE} SET rows = ?, committed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE run_id = ? AND node_key = ?`).run(rows, key.runId, key.nodeKey);
}
