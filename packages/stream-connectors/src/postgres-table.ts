import type pg from 'pg';

/** The table's columns (name → SQL type), or undefined when the table does not exist. */
export async function tableColumns(client: pg.Client, target: string): Promise<Map<string, string> | undefined> {
  const { rows } = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::oid AS oid', [target]);
  const oid = rows[0]?.oid;
  if (!oid) return undefined;
  const cols = await client.query<{ name: string; type: string }>(
    'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum',
    [oid],
  );
  return new Map(cols.rows.map((r) => [r.name, r.type]));
}

/** Whether a unique index or primary key covers exactly `key` (what ON CONFLICT (key) needs). */
export async function hasUniqueKey(client: pg.Client, target: string, key: readonly string[]): Promise<boolean> {
  const { rows } = await client.query<{ cols: string[] }>(
    `SELECT array(SELECT attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) AS cols
       FROM pg_index i WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL`,
    [target],
  );
  const want = [...key].sort().join('\u0000');
  return rows.some((r) => [...r.cols].sort().join('\u0000') === want);
}

/** Creates the table recording each app's and sink's last committed checkpoint, if missing. */
export async function ensureCommitTable(client: pg.Client, commits: string): Promise<void> {
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${commits} (
      app text NOT NULL, sink text NOT NULL, checkpoint_id bigint NOT NULL,
      committed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (app, sink))`);
  } catch (error) {
    // Two sinks creating it at once: one wins, the other sees a duplicate type or table.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P07') throw error;
  }
}
