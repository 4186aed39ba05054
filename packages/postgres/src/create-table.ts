import type { Schema } from 'apache-arrow';
import { pgTypeOf } from './arrow-to-pg.js';
import { quoteIdent } from './quote-ident.js';

/**
 * `CREATE TABLE IF NOT EXISTS` for rows of `schema` (column types by pgTypeOf), with `key` as
 * primary key when given. `target` is an already quoted name (see qualifiedName).
 */
export function createTableSql(target: string, schema: Schema, key?: readonly string[]): string {
  const columns = schema.fields.map((f) => `${quoteIdent(f.name)} ${pgTypeOf(f.type)}`);
  if (key && key.length > 0) columns.push(`PRIMARY KEY (${key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${target} (${columns.join(', ')})`;
}
