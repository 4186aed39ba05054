import { Field, makeBuilder, makeData, RecordBatch, Schema, Struct, type Builder } from 'apache-arrow';
import type Database from 'better-sqlite3';
import { ModuleError } from '@pypeline/sdk';
import { arrowType, converter, declaredType, valuesType } from './column-types.js';
import type { ResolvedConfig, SqliteColumnType } from './config.js';
import { bindings, prepareQuery, sqliteError } from './open-database.js';

interface Column {
  name: string;
  type: SqliteColumnType;
  origin: string;
}

/** A query ready to stream: its schema, and its batches (read once, closing the cursor at the end). */
export interface QueryTable {
  schema: Schema;
  batches: Generator<RecordBatch>;
  /** Rows read so far. */
  readonly rows: number;
  /** Ends the cursor early. */
  close(): void;
}

/**
 * Runs the query and settles each column's type: `columns` if set there, else the declared type
 * of the table column it reads, else the values of the first batch_size rows (which are kept
 * for the first batch). No batch is built until the batches are read.
 */
export function readQuery(db: Database.Database, config: ResolvedConfig, signal: AbortSignal): QueryTable {
  const statement = prepareQuery(db, config.query);
  const described = statement.columns();
  let cursor: IterableIterator<unknown[]>;
  try {
    cursor = statement.iterate(...bindings(config.query, config.params));
  } catch (error) {
    throw sqliteError(error, 'query does not run', 'check that params gives a value for each ? or $n of the query, in order');
  }
  const sample: unknown[][] = [];
  const undeclared = described.some((c) => !config.columns[c.name] && !declaredType(c.type));
  const next = () => {
    try {
      return cursor.next();
    } catch (error) {
      cursor.return?.();
      throw sqliteError(error, 'query failed', 'check the SQL against the database');
    }
  };
  while (undeclared && sample.length < config.batch_size) {
    const step = next();
    if (step.done) break;
    sample.push(step.value);
  }
  const seen = new Set<string>();
  const columns: Column[] = described.map((c, i) => {
    if (seen.has(c.name)) {
      cursor.return?.();
      throw new ModuleError(`the query returns two columns named ${JSON.stringify(c.name)}`, { retryable: false, hint: `give them different names with AS, e.g. select a.id AS a_id, b.id AS b_id` });
    }
    seen.add(c.name);
    const set = config.columns[c.name];
    if (set) return { name: c.name, type: set, origin: 'set in columns' };
    const declared = declaredType(c.type);
    if (declared) return { name: c.name, type: declared, origin: `from its declared type ${c.type}` };
    return { name: c.name, type: valuesType(sample.map((row) => row[i])), origin: 'read from the first rows (no declared type)' };
  });
  const schema = new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), true)));
  let rows = 0;
  function* batches(): Generator<RecordBatch> {
    const convert = columns.map((c) => converter(c.type));
    const builders = () => schema.fields.map((f) => makeBuilder({ type: f.type, nullValues: [null] }) as Builder);
    let current = builders();
    let pending = 0;
    const flush = () => {
      const children = current.map((b) => b.finish().flush());
      const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: pending, nullCount: 0, children }));
      rows += pending;
      pending = 0;
      current = builders();
      return batch;
    };
    const append = (row: unknown[]) => {
      for (let c = 0; c < columns.length; c++) {
        const v = row[c];
        if (v === null || v === undefined) current[c].append(null);
        else {
          const value = convert[c](v);
          if (value === undefined) throw mismatch(rows + pending + 1, columns[c], v);
          current[c].append(value);
        }
      }
      pending++;
    };
    try {
      for (const row of sample) append(row);
      sample.length = 0;
      for (let step = next(); !step.done; step = next()) {
        if (pending >= config.batch_size) {
          signal.throwIfAborted();
          yield flush();
        }
        append(step.value as unknown[]);
      }
      if (pending > 0 || rows === 0) yield flush();
    } finally {
      cursor.return?.();
    }
  }
  return {
    schema,
    batches: batches(),
    get rows() {
      return rows;
    },
    close: () => void cursor.return?.(),
  };
}

function mismatch(rowNumber: number, column: Column, value: unknown): ModuleError {
  const shown = typeof value === 'string' ? `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}` : Buffer.isBuffer(value) ? `a blob of ${value.length} bytes` : `the ${typeof value === 'bigint' ? 'integer' : typeof value} ${String(value)}`;
  return new ModuleError(`row ${rowNumber} of the query: ${shown} does not fit column ${JSON.stringify(column.name)}, whose type ${column.type} was ${column.origin} (SQLite keeps any value in any column)`, {
    retryable: false,
    hint: `set its type, e.g. columns: { ${JSON.stringify(column.name)}: utf8 }, or CAST it in the query, or fix the value`,
  });
}
