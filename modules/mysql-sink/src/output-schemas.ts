import { CONNECTION_DEFAULTS, connect, disconnect, execute, mysqlError, qualifiedName } from '@pypeline/mysql';
import type { ConfigIssue, SchemaContext, SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { uniqueKeys, upsertKeyProblem } from './unique-keys.js';

/**
 * Checks the config and the input against the target table before the run, every problem at
 * once: upsert needs a key the input has and the table holds unique; a table that exists must
 * have a column for each input column. A table that is not there is only a warning unless
 * create_table is set: an earlier step may create it.
 */
export async function mysqlSinkSchemas({ config, inputs, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const c = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...config };
  const problems: ConfigIssue[] = [];
  if (c.mode === 'upsert' && c.key.length === 0) problems.push({ key: ['key'], message: 'mode upsert needs key: the columns a row is matched on', hint: 'set key, e.g. key: [id]' });
  if (c.mode !== 'upsert' && c.key.length > 0 && !c.create_table) problems.push({ key: ['key'], severity: 'warning', message: `key is used by mode upsert and by create_table; with mode ${c.mode} and an existing table it does nothing` });
  const input = inputs.input;
  if (!input) return { problems };
  if (input.fields.length === 0) return { problems: [...problems, { key: ['table'], message: 'its input has no columns', hint: 'check the module that feeds it' }] };
  for (const k of c.key) {
    if (!input.fields.some((f) => f.name === k)) problems.push({ key: ['key'], message: `key column "${k}" is not a column of the input`, hint: `the input's columns: ${input.fields.map((f) => f.name).join(', ')}` });
  }
  const target = qualifiedName(c.table, c.database);
  const connection = await connect(c, signal);
  try {
    const { rows } = await execute(connection, 'SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [c.database, c.table]).catch((error: unknown) => {
      throw mysqlError(error, `cannot read the columns of ${target}`);
    });
    if (rows.length === 0) {
      if (!c.create_table) problems.push({ key: ['table'], severity: 'warning', message: `table ${target} does not exist (yet)`, hint: 'create it before this module runs, or set create_table: true' });
      return { problems };
    }
    const columns = new Set(rows.map((r) => String(r[0])));
    for (const f of input.fields) {
      if (!columns.has(f.name)) problems.push({ key: ['table'], message: `input column "${f.name}" is not a column of ${target}`, hint: `its columns: ${[...columns].join(', ')}; rename or drop the column with select_mod first` });
    }
    if (c.mode === 'upsert' && c.key.length > 0) {
      const problem = upsertKeyProblem(c.key, await uniqueKeys(connection, c.database, c.table), target);
      if (problem) problems.push({ key: ['key'], ...problem });
    }
    return { problems };
  } finally {
    await disconnect(connection);
  }
}
