import { Readable } from 'node:stream';
import { DataType, type Field, type RecordBatch } from 'apache-arrow';
import type { Connection } from 'mysql2';
import { execute, paramReader, quoteIdent, type ParamReader } from '@pypeline/mysql';
import { ModuleError, rowsPerStatement, valuesTuples, type Artifact } from '@pypeline/sdk';

/** MySQL caps a prepared statement at 65535 parameters. */
const MAX_PARAMS = 65_535;

/** Where the rows go: the (quoted) table, the input columns, and for upsert the key columns. */
export interface LoadTarget {
  table: string;
  fields: Field[];
  /** Set for upsert: the rows whose key is in the table update it. */
  key?: string[];
}

/** `ON DUPLICATE KEY UPDATE` for the non-key columns (a no-op assignment when every column is a key). */
export function onDuplicateKey(fields: Field[], key: string[]): string {
  const rest = fields.map((f) => f.name).filter((n) => !key.includes(n));
  const sets = (rest.length ? rest : [key[0]]).map((n) => `${quoteIdent(n)} = VALUES(${quoteIdent(n)})`);
  return ` ON DUPLICATE KEY UPDATE ${sets.join(', ')}`;
}

/** Sends `INSERT … VALUES (?, ?), (…)` prepared statements of up to batchSize rows; the server binds every value. */
export async function insertRows(connection: Connection, target: LoadTarget, input: Artifact, batchSize: number, signal: AbortSignal): Promise<number> {
  const width = target.fields.length;
  const perStatement = rowsPerStatement(batchSize, width, MAX_PARAMS);
  const readers = target.fields.map(paramReader);
  const head = `INSERT INTO ${target.table} (${target.fields.map((f) => quoteIdent(f.name)).join(', ')}) VALUES `;
  const tail = target.key ? onDuplicateKey(target.fields, target.key) : '';
  let pending: unknown[] = [];
  let rows = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const n = pending.length / width;
    await execute(connection, `${head}${valuesTuples(n, width, () => '?')}${tail}`, pending);
    rows += n;
    pending = [];
  };
  for await (const batch of input.batches()) {
    const columns = batch.data.children;
    for (let i = 0; i < batch.numRows; i++) {
      for (let c = 0; c < width; c++) pending.push(readers[c](columns[c], i));
      if (pending.length >= perStatement * width) {
        signal.throwIfAborted();
        await flush();
      }
    }
  }
  await flush();
  return rows;
}

/**
 * Streams the rows with `LOAD DATA LOCAL INFILE` as tab-separated text (`\N` for null), each
 * column through a user variable so integers are cast (a BIT column takes the number, not its
 * digits) and binary arrives as hex. WARNING: with LOCAL the server downgrades bad values and
 * duplicate keys to warnings (it cannot stop the client's file mid-way), so any warning fails
 * the load here; a row the server skipped shows as a count below the rows sent.
 */
export async function loadDataRows(connection: Connection, target: LoadTarget, input: Artifact, signal: AbortSignal): Promise<number> {
  const texts = target.fields.map(loadDataText);
  const variables = target.fields.map((_, c) => `@c${c}`);
  const sets = target.fields.map((f, c) => `${quoteIdent(f.name)} = ${columnExpression(f, variables[c])}`);
  let sent = 0;
  async function* lines(): AsyncGenerator<Buffer> {
    for await (const batch of input.batches()) {
      signal.throwIfAborted();
      yield Buffer.from(tsv(batch, texts), 'utf8');
      sent += batch.numRows;
    }
  }
  const sql = `LOAD DATA LOCAL INFILE 'pypeline-input.tsv' INTO TABLE ${target.table} CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${variables.join(', ')}) SET ${sets.join(', ')}`;
  const result = await new Promise<{ affectedRows: number; warningStatus: number }>((resolve, reject) => {
    connection.query({ sql, infileStreamFactory: () => Readable.from(lines()) }, (error, header) => (error ? reject(error) : resolve(header as never)));
  });
  if (result.warningStatus > 0) {
    // Thrown as the server's error (its number picks the hint), so the load's message wraps it like any other.
    const warnings = await execute(connection, 'SHOW WARNINGS LIMIT 3');
    const first = warnings.rows[0] ?? [];
    throw Object.assign(new Error(warnings.rows.map((w) => String(w[2])).join('; ') || `${result.warningStatus} warnings`), { errno: Number(first[1]) || undefined });
  }
  if (result.affectedRows !== sent) throw new ModuleError(`the server loaded ${result.affectedRows} of the ${sent} rows sent`, { retryable: false, hint: 'check the table for unique keys the input repeats' });
  return sent;
}

/** The SET expression that turns a column's text into its value. */
function columnExpression(field: Field, variable: string): string {
  const type = field.type;
  if (DataType.isInt(type)) return `CAST(${variable} AS ${type.isSigned ? 'SIGNED' : 'UNSIGNED'})`;
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return `UNHEX(${variable})`;
  return variable;
}

/** A column's values as LOAD DATA text, from the values paramReader would bind. */
function loadDataText(field: Field): (data: RecordBatch['data']['children'][number], i: number) => string {
  const read: ParamReader = paramReader(field);
  return (data, i) => {
    const v = read(data, i);
    if (v === null || v === undefined) return '\\N';
    if (typeof v === 'boolean') return v ? '1' : '0';
    if (typeof v === 'number') return String(v);
    if (Buffer.isBuffer(v)) return v.toString('hex');
    if (typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value);
    return escape(String(v));
  };
}

function tsv(batch: RecordBatch, texts: ReturnType<typeof loadDataText>[]): string {
  const columns = batch.data.children;
  let out = '';
  for (let i = 0; i < batch.numRows; i++) {
    for (let c = 0; c < texts.length; c++) out += (c ? '\t' : '') + texts[c](columns[c], i);
    out += '\n';
  }
  return out;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

function escape(text: string): string {
  return /[\\\t\n\r\0]/.test(text) ? text.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]) : text;
}
