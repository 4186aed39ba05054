import type { Connection } from 'mysql2';
import { execute } from '@pypeline/mysql';

/** The PRIMARY KEY and UNIQUE indexes of a table, each as its column names in order. */
export async function uniqueKeys(connection: Connection, database: string, table: string): Promise<{ name: string; columns: string[] }[]> {
  const { rows } = await execute(
    connection,
    'SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    [database, table],
  );
  const keys = new Map<string, string[]>();
  for (const [name, column] of rows) keys.set(String(name), [...(keys.get(String(name)) ?? []), String(column)]);
  return [...keys].map(([name, columns]) => ({ name, columns }));
}

/**
 * Why an upsert on `key` cannot work on a table with these unique keys, or undefined when it
 * can: ON DUPLICATE KEY UPDATE matches rows on every unique key of the table, so one of them must
 * be exactly the key (and without one, every row would be inserted).
 */
export function upsertKeyProblem(key: string[], keys: { name: string; columns: string[] }[], target: string): { message: string; hint: string } | undefined {
  if (key.length === 0) return { message: 'mode upsert needs key: the columns a row is matched on', hint: 'set key, e.g. key: [id]' };
  const wanted = [...key].sort().join('\u0000');
  if (keys.some((k) => [...k.columns].sort().join('\u0000') === wanted)) return undefined;
  const have = keys.length ? `its unique keys: ${keys.map((k) => `${k.name} (${k.columns.join(', ')})`).join('; ')}` : 'it has no PRIMARY KEY or UNIQUE index';
  return {
    message: `mode upsert on key (${key.join(', ')}): table ${target} has no PRIMARY KEY or UNIQUE index on exactly these columns (${have})`,
    hint: `add one: ALTER TABLE ${target} ADD UNIQUE (${key.map((k) => `\`${k.replace(/`/g, '``')}\``).join(', ')}); or set key to the columns of an existing one`,
  };
}
