import { connectionConfig, createTableSql, describeConnection, findTypeMismatch, pgTypeOf, qualifiedName, quoteIdent, textFormatter, typeMismatchError, type PostgresTarget, type ResolvedConnection } from '@pypeline/postgres';
import type { SinkContext, StreamSink } from '@pypeline/stream';
import type { RecordBatch } from 'apache-arrow';
import type pg from 'pg';
import { openClient, pgFailure } from './postgres-connection.js';
import { ensureCommitTable, hasUniqueKey, tableColumns } from './postgres-table.js';

export interface PostgresSinkOptions {
  /** A `postgres://` URL or the connection fields `@pypeline/postgres` takes (host, port, database, user, password, ssl). */
  connection: PostgresTarget;
  table: string;
  /** Schema of the table (and of the commit table); default: the search path's. */
  schema?: string;
  /**
   * `append` inserts every row; `upsert` inserts or updates by `key` (INSERT … ON CONFLICT DO
   * UPDATE), which suits window results that fire again with late data.
   * @default 'append'
   */
  mode?: 'append' | 'upsert';
  /** Columns identifying a row in upsert mode (a primary key or unique index must cover exactly them). */
  key?: string[];
  /** Create the table from the stream's columns when it is missing (with `key` as primary key). */
  createTable?: boolean;
  /**
   * Writes since the last checkpoint go into one transaction that commits together with a row
   * in `pypeline_stream_commits`, so after a crash no row is lost or written twice. When false,
   * each flush commits on its own: at least once (upsert mode makes replays harmless).
   * @default true
   */
  exactlyOnce?: boolean;
  /** Rows per INSERT statement. @default 1000 */
  batchSize?: number;
}

/** The table recording, per app and sink, the last checkpoint whose rows are committed. */
export const COMMIT_TABLE = 'pypeline_stream_commits';
// PostgreSQL caps one statement at 65535 parameters.
const MAX_PARAMS = 65_535;

type Cells = (string | null)[];

/**
 * A PostgreSQL sink. Exactly once by default: every row written since the last checkpoint is
 * sent into one open transaction, and `commit(id)` records the checkpoint id in the commit table
 * in that same transaction before COMMIT. A process that dies before COMMIT leaves nothing (the
 * server rolls back), and the runner replays from the previous checkpoint.
 */
export function postgresSink(options: PostgresSinkOptions): StreamSink {
  const sink = new PostgresSink(options);
  const base: StreamSink = {
    kind: 'postgres',
    describe: () => sink.describe(),
    open: (ctx) => sink.open(ctx),
    write: (batch) => sink.write(batch),
    flush: () => sink.flush(),
    close: () => sink.close(),
  };
  if (!sink.exactlyOnce) return base;
  return { ...base, commit: (id) => sink.commit(id), isCommitted: (id) => sink.isCommitted(id) };
}

class PostgresSink {
  readonly exactlyOnce: boolean;
  private readonly conn: ResolvedConnection;
  private readonly target: string;
  private readonly commits: string;
  private readonly key: string[];
  private client: pg.Client | undefined;
  private ctx!: SinkContext;
  private columns: Map<string, string> | undefined;
  private checkedSchema: RecordBatch['schema'] | undefined;
  private pending: { names: string[]; schema?: RecordBatch['schema']; rows: Cells[] } = { names: [], rows: [] };
  private inTransaction = false;
  // Writes, flushes and commits run one at a time: sources may write from concurrent loops.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PostgresSinkOptions) {
    this.exactlyOnce = options.exactlyOnce ?? true;
    this.conn = connectionConfig(options.connection);
    this.target = qualifiedName(options.table, options.schema);
    this.commits = qualifiedName(COMMIT_TABLE, options.schema);
    this.key = options.key ?? [];
    if (options.mode === 'upsert' && this.key.length === 0) {
      throw new Error(`postgresSink(${options.table}): mode 'upsert' needs key: ['<column>', …], the columns that identify a row`);
    }
  }

  describe(): string {
    return `${describeConnection(this.conn)} ${this.target}${this.options.mode === 'upsert' ? ` upsert on (${this.key.join(', ')})` : ''}${this.exactlyOnce ? ' exactly-once' : ''}`;
  }

  private where(): string {
    return `postgres sink "${this.ctx.id}" (${this.target})`;
  }

  async open(ctx: SinkContext): Promise<void> {
    this.ctx = ctx;
    const client = await openClient(this.conn);
    this.client = client;
    try {
      this.columns = await tableColumns(client, this.target);
      if (!this.columns && !this.options.createTable) {
        throw new Error(`table ${this.target} does not exist in database "${this.conn.database}": create it, or set createTable: true to create it from the stream's columns`);
      }
      if (this.columns) await this.checkUpsertKey(client);
      if (this.exactlyOnce) await ensureCommitTable(client, this.commits);
    } catch (error) {
      await this.close();
      throw error instanceof Error && !('code' in error) ? error : pgFailure(error, `cannot prepare ${this.target}`);
    }
  }

  private async checkUpsertKey(client: pg.Client): Promise<void> {
    if (this.options.mode !== 'upsert') return;
    const missing = this.key.filter((k) => !this.columns!.has(k));
    if (missing.length > 0) throw new Error(`table ${this.target} has no column ${missing.map((m) => `"${m}"`).join(', ')} named in key: fix key, or add the column`);
    if (!(await hasUniqueKey(client, this.target, this.key))) {
      const cols = this.key.map(quoteIdent).join(', ');
      throw new Error(`table ${this.target} has no primary key or unique index on (${this.key.join(', ')}), which upsert needs: ALTER TABLE ${this.target} ADD PRIMARY KEY (${cols}), or use mode: 'append'`);
    }
  }

  write(batch: RecordBatch): Promise<void> {
    return this.serial(async () => {
      if (batch.numRows === 0) return;
      await this.prepareFor(batch);
      const names = batch.schema.fields.map((f) => f.name);
      if (names.join('\u0000') !== this.pending.names.join('\u0000')) {
        await this.send();
        this.pending = { names, schema: batch.schema, rows: [] };
      }
      const formats = batch.schema.fields.map(textFormatter);
      const vectors = batch.schema.fields.map((_, c) => batch.getChildAt(c)!);
      for (let r = 0; r < batch.numRows; r++) this.pending.rows.push(vectors.map((v, c) => formats[c](v.get(r))));
      if (this.pending.rows.length >= (this.options.batchSize ?? 1000)) await this.send();
    });
  }

  flush(): Promise<void> {
    return this.serial(() => this.send());
  }

  commit(checkpointId: number): Promise<void> {
    return this.serial(async () => {
      await this.send();
      await this.begin();
      await this.query(
        `INSERT INTO ${this.commits} (app, sink, checkpoint_id, committed_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (app, sink) DO UPDATE SET checkpoint_id = EXCLUDED.checkpoint_id, committed_at = EXCLUDED.committed_at`,
        [this.ctx.app, this.ctx.id, checkpointId], `cannot record checkpoint ${checkpointId} in ${this.commits}`,
      );
      const done = await this.query('COMMIT', [], `cannot commit checkpoint ${checkpointId}`);
      this.inTransaction = false;
      // WARNING: COMMIT of a transaction a failed statement aborted succeeds as a ROLLBACK.
      if (done.command === 'ROLLBACK') throw new Error(`${this.where()}: checkpoint ${checkpointId} was rolled back: an earlier statement of its transaction failed`);
    });
  }

  isCommitted(checkpointId: number): Promise<boolean> {
    return this.serial(async () => {
      const { rows } = await this.query<{ id: string }>(
        `SELECT checkpoint_id::text AS id FROM ${this.commits} WHERE app = $1 AND sink = $2`,
        [this.ctx.app, this.ctx.id], `cannot read ${this.commits}`,
      );
      const stored = rows.length > 0 ? Number(rows[0].id) : 0;
      // Recovery asks about the staged checkpoint, one after the last applied: committing it is
      // the only way the stored id gets there. A later id comes from another state folder.
      if (stored > checkpointId) {
        this.ctx.log('warn', `${this.where()}: ${this.commits} records checkpoint ${stored} for app "${this.ctx.app}", later than checkpoint ${checkpointId} being recovered: was the state folder deleted or replaced? Treating checkpoint ${checkpointId} as not committed`);
      }
      return stored === checkpointId;
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // Rows sent since the last commit are dropped: the runner replays them from its checkpoint.
    if (this.inTransaction) await client.query('ROLLBACK').catch(() => {});
    this.inTransaction = false;
    await client.end().catch(() => {});
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Creates the table on the first batch if asked, and checks the batch's columns exist. */
  private async prepareFor(batch: RecordBatch): Promise<void> {
    if (batch.schema === this.checkedSchema) return;
    if (!this.columns) {
      await this.query(createTableSql(this.target, batch.schema, this.options.mode === 'upsert' ? this.key : undefined), [], `cannot create ${this.target}`);
      this.columns = await tableColumns(this.client!, this.target);
      this.ctx.log('info', `${this.where()}: created the table from the stream's columns`);
    }
    const missing = batch.schema.fields.filter((f) => !this.columns!.has(f.name));
    if (missing.length > 0) {
      const add = missing.map((f) => `ADD COLUMN ${quoteIdent(f.name)} ${pgTypeOf(f.type)}`).join(', ');
      throw new Error(`${this.where()}: the stream has column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `"${f.name}"`).join(', ')} that the table lacks (its columns: ${[...this.columns!.keys()].join(', ')}): ALTER TABLE ${this.target} ${add}, or drop or rename ${missing.length > 1 ? 'them' : 'it'} before the sink with select() or map()`);
    }
    const noKey = this.options.mode === 'upsert' ? this.key.filter((k) => !batch.schema.fields.some((f) => f.name === k)) : [];
    if (noKey.length > 0) throw new Error(`${this.where()}: the stream has no column "${noKey[0]}" named in key (its columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
    this.checkedSchema = batch.schema;
  }

  private async begin(): Promise<void> {
    if (!this.exactlyOnce || this.inTransaction) return;
    await this.query('BEGIN', [], 'cannot begin a transaction');
    this.inTransaction = true;
  }

  /** Sends the buffered rows: into the open transaction (exactly once) or committed at once. */
  private async send(): Promise<void> {
    const { names, rows } = this.pending;
    if (rows.length === 0) return;
    const unique = this.options.mode === 'upsert' ? lastPerKey(rows, this.key.map((k) => names.indexOf(k))) : rows;
    await this.begin();
    const perStatement = Math.max(1, Math.min(this.options.batchSize ?? 1000, Math.floor(MAX_PARAMS / names.length)));
    for (let i = 0; i < unique.length; i += perStatement) {
      const chunk = unique.slice(i, i + perStatement);
      await this.insert(this.insertSql(names, chunk.length), chunk.flat(), `cannot write ${chunk.length} rows`);
    }
    this.pending = { ...this.pending, rows: [] };
  }

  /**
   * An INSERT; a value the table's column type refuses (SQLSTATE class 22) is explained as the
   * batch postgres_sink explains it: the column, both types and the fixes. Finding the column
   * needs the catalog, so an open transaction (aborted by the failure anyway) is rolled back
   * first; the runner replays its rows from the last checkpoint.
   */
  private async insert(sql: string, params: unknown[], doing: string): Promise<void> {
    if (!this.client) throw new Error(`${this.where()}: used after close (a bug in the runner; please report it)`);
    const client = this.client;
    try {
      await client.query(sql, params);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      const schema = this.pending.schema;
      if (typeof code !== 'string' || !code.startsWith('22') || !schema) throw pgFailure(error, `${this.where()}: ${doing}`);
      if (this.inTransaction) {
        await client.query('ROLLBACK').catch(() => {});
        this.inTransaction = false;
      }
      const mismatch = await findTypeMismatch(client, this.target, schema, error).catch(() => null);
      if (!mismatch) throw pgFailure(error, `${this.where()}: ${doing}`);
      const e = typeMismatchError(mismatch, this.target, `${this.where()}: ${doing}`, error);
      throw new Error(`${e.message} (${e.hint})`, { cause: error });
    }
  }

  private insertSql(names: string[], n: number): string {
    const w = names.length;
    const tuples = Array.from({ length: n }, (_, r) => `(${names.map((_, c) => `$${r * w + c + 1}`).join(', ')})`);
    let sql = `INSERT INTO ${this.target} (${names.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}`;
    if (this.options.mode === 'upsert') {
      const rest = names.filter((c) => !this.key.includes(c));
      sql += ` ON CONFLICT (${this.key.map(quoteIdent).join(', ')}) DO ${rest.length === 0 ? 'NOTHING' : `UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`}`;
    }
    return sql;
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[], doing: string): Promise<pg.QueryResult<R>> {
    if (!this.client) throw new Error(`${this.where()}: used after close (a bug in the runner; please report it)`);
    try {
      return await this.client.query<R>(sql, params);
    } catch (error) {
      throw pgFailure(error, `${this.where()}: ${doing}`);
    }
  }
}

/**
 * One row per key, the last one written: a single INSERT … ON CONFLICT DO UPDATE may not touch
 * the same row twice, and the last update is the one that must win.
 */
function lastPerKey(rows: Cells[], keyIdx: number[]): Cells[] {
  const byKey = new Map<string, Cells>();
  for (const row of rows) {
    const k = JSON.stringify(keyIdx.map((i) => row[i]));
    byKey.delete(k);
    byKey.set(k, row);
  }
  return [...byKey.values()];
}
