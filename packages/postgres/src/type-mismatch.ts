import type { Schema } from 'apache-arrow';
import type pg from 'pg';
import { ModuleError } from '@pypeline/sdk';
import { pgTypeOf } from './arrow-to-pg.js';
import { quoteIdent } from './quote-ident.js';

/** An input column whose values the table's column of the same name would not take. */
export interface TypeMismatch {
  column: string;
  /** The table column's type as PostgreSQL names it, e.g. `date`, `character varying(20)`. */
  tableType: string;
  /** The type a table created from the input would give the column (pgTypeOf). */
  inputType: string;
  /** The input column's Arrow type, e.g. `Utf8`. */
  arrowType: string;
}

interface PgError {
  code?: string;
  message?: string;
  where?: string;
}

/**
 * When loading into an existing table fails on a value that does not convert (SQLSTATE class
 * 22), finds the column it failed in and compares the table's type with the input's. COPY
 * names the column in its context (`COPY t, line 2, column day: "soon"`); a parameterised
 * INSERT names the parameter (`unnamed portal parameter $4`), whose position gives the column.
 * Null when the error is of another kind, the column is not found, or the types agree (then
 * the value itself is wrong and the server's message says enough).
 */
export async function findTypeMismatch(client: pg.Client, target: string, input: Schema, error: unknown): Promise<TypeMismatch | null> {
  const e = (error ?? {}) as PgError;
  if (!e.code?.startsWith('22')) return null;
  const names = input.fields.map((f) => f.name);
  const column = failedColumn(e.where ?? '', names);
  if (column === undefined) return null;
  const { rows } = await client.query<{ type: string }>(
    'select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = $1::regclass and attname = $2 and attnum > 0 and not attisdropped',
    [target, column],
  );
  if (rows.length === 0) return null;
  const field = input.fields[names.indexOf(column)];
  const mismatch = { column, tableType: rows[0].type, inputType: pgTypeOf(field.type), arrowType: String(field.type) };
  return sameType(mismatch.tableType, mismatch.inputType) ? null : mismatch;
}

function failedColumn(where: string, names: string[]): string | undefined {
  const copy = /^COPY .*?, line \d+, column (.+?)(?::|$)/m.exec(where);
  if (copy) return names.includes(copy[1]) ? copy[1] : names.find((n) => copy[1].startsWith(n));
  const param = /parameter \$(\d+)/.exec(where);
  return param ? names[(Number(param[1]) - 1) % names.length] : undefined;
}

const ALIASES: Record<string, string> = {
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'character varying': 'text',
  character: 'text',
  'time without time zone': 'time',
};

function sameType(table: string, input: string): boolean {
  const base = table.replace(/\(.*\)/, '').trim();
  return (ALIASES[base] ?? base) === input;
}

/** select_mod's cast type for a PostgreSQL column type, when it has one. */
const CAST_TYPES: Record<string, string> = {
  smallint: 'int32', integer: 'int32', bigint: 'int64', real: 'float64', 'double precision': 'float64', numeric: 'float64',
  boolean: 'boolean', date: 'date', timestamptz: 'timestamp', timestamp: 'timestamp', text: 'string',
};

/** The error for a load a type mismatch failed: table, column, both types, the server's words, and the fixes. */
export function typeMismatchError(m: TypeMismatch, target: string, doing: string, error: unknown): ModuleError {
  const e = (error ?? {}) as PgError;
  const base = m.tableType.replace(/\(.*\)/, '').trim();
  const cast = CAST_TYPES[ALIASES[base] ?? base];
  const where = e.where ? `\n  ${e.where.split('\n')[0]}` : '';
  const col = quoteIdent(m.column);
  return new ModuleError(
    `${doing}: column ${col} of ${target} is ${m.tableType}, but the input's ${col} is ${m.inputType} (Arrow ${m.arrowType}), and a value does not convert: ${e.message}${where}`,
    {
      retryable: false,
      hint: [
        cast ? `cast the column to the table's type before loading (select_mod with cast: { ${m.column}: ${cast} }, on_cast_error: "null" to load bad values as null)` : `convert the column to ${m.tableType} before loading (derive_mod or select_mod)`,
        `or change the table: ALTER TABLE ${target} ALTER COLUMN ${col} TYPE ${m.inputType} USING ${col}::${m.inputType}`,
        `or drop the table and let create_table: true create it from the input (mode: replace only empties the table; it keeps the column types)`,
      ].join('; '),
      cause: error,
    },
  );
}
