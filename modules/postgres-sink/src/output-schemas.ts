import { CONNECTION_DEFAULTS, connect, postgresError, qualifiedName } from '@pypeline/postgres';
import type { ConfigIssue, SchemaContext, SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';

/**
 * Checks the input against the target table before the run: a table that exists must have a
 * column for each input column (the load names them all). A table that is not there is only a
 * warning unless create_table is set: an earlier step may create it.
 */
export async function postgresSinkSchemas({ config, inputs, signal }: SchemaContext<Config>): Promise<SchemaResult> {
  const c = { ...CONNECTION_DEFAULTS, ...DEFAULTS, ...config };
  const keyProblems: ConfigIssue[] = c.mode === 'upsert' && c.key.length === 0 ? [{ key: ['key'], message: 'mode upsert needs key: the columns a row is matched on', hint: 'set key, e.g. key: [id]' }] : [];
  const input = inputs.input;
  if (!input) return keyProblems.length ? { problems: keyProblems } : {};
  if (input.fields.length === 0) return { problems: [...keyProblems, { key: ['table'], message: 'its input has no columns', hint: 'check the module that feeds it' }] };
  for (const k of c.key) {
    if (!input.fields.some((f) => f.name === k)) keyProblems.push({ key: ['key'], message: `key column "${k}" is not a column of the input`, hint: `the input's columns: ${input.fields.map((f) => f.name).join(', ')}` });
  }
  const target = qualifiedName(c.table, c.schema);
  const client = await connect(c, signal);
  try {
    const { rows } = await client.query<{ name: string }>('select attname as name from pg_attribute where attrelid = to_regclass($1) and attnum > 0 and not attisdropped order by attnum', [target]).catch((error: unknown) => {
      throw postgresError(error, `cannot read the columns of ${target}`);
    });
    if (rows.length === 0) {
      if (c.create_table) return keyProblems.length ? { problems: keyProblems } : {};
      return { problems: [...keyProblems, { key: ['table'], severity: 'warning', message: `table ${target} does not exist (yet)`, hint: 'create it before this module runs, or set create_table: true' }] };
    }
    const columns = new Set(rows.map((r) => r.name));
    const missing = input.fields.map((f) => f.name).filter((n) => !columns.has(n));
    const problems: ConfigIssue[] = missing.map((name) => ({
      key: ['table'],
      message: `input column "${name}" is not a column of ${target}`,
      hint: `its columns: ${[...columns].join(', ')}; rename or drop the column with select_mod first`,
    }));
    return { problems: [...keyProblems, ...problems] };
  } finally {
    await client.end().catch(() => {});
  }
}
