import { PypeError, type PypeEvent } from '@pypeline/core';
import { connect, describeConnection, quoteIdent } from '@pypeline/postgres';
import { errorMessage } from '@pypeline/sdk';
import { emptyCounts, fromFireRow, fromRow, toJson, toRow, type FireRow, type RunPhase, type RunRow, type RunStore, type StoredRun, type TriggerFire } from './run-store.js';

/** The schema that holds the tables when the URL names none (`?schema=…`). */
export const DEFAULT_STORE_SCHEMA = 'pype_serve';

type Client = Awaited<ReturnType<typeof connect>>;

const COLUMNS = ['id', 'job', 'job_dir', 'status', 'run_id', 'context_name', 'context', 'created_at', 'started_at', 'finished_at', 'duration_ms', 'errors', 'upload_dir', 'resume', 'started_by'] as const;
/** The SQL types of the columns that are not text, for parameters PostgreSQL cannot infer. */
const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = { duration_ms: '::bigint', resume: '::integer' };

/** True for a `--db` value that names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/**
 * The run store in a PostgreSQL database, for a `pype serve` whose disk does not outlive it
 * (a container): `--db postgres://user@host:5432/db[?schema=name]`. Its two tables live in their
 * own schema (default `pype_serve`), created on first use. Like the SQLite store it belongs to one
 * server at a time: the store holds a session advisory lock on its schema for as long as it is
 * open, and PostgreSQL drops it when the connection ends (a crashed server frees it at once).
 * Every write is a committed transaction of its own before the call resolves.
 */
export class PostgresRunStore implements RunStore {
  /** The client runs one query at a time; calls made meanwhile wait their turn, in order. */
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly location: string,
    private readonly client: Client,
    private readonly schema: string,
  ) {}

  private query<R extends object>(sql: string, params: unknown[] = []): Promise<{ rows: R[] }> {
    const result = this.turn.then(() => this.client.query<R>(sql, params));
    this.turn = result.catch(() => {});
    return result;
  }

  static async open(url: string): Promise<PostgresRunStore> {
    const { target, schema } = splitSchema(url);
    const location = `${describeConnection(target)} (schema ${schema})`;
    let client: Client;
    try {
      client = await connect(target);
    } catch (err) {
      throw new PypeError(`cannot open the run store ${location}: ${errorMessage(err)}`, { hint: 'start PostgreSQL or fix --db postgres://user@host:port/database' });
    }
    try {
      const { rows } = await client.query<{ locked: string }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`pype_serve:${schema}`]);
      if (rows[0].locked !== 't' && rows[0].locked !== 'true') {
        throw new PypeError(`the run store ${location} is in use by another process (is another pype serve running on it?)`, {
          hint: 'stop that server, or give this one its own store with --db postgres://…?schema=<another name>',
        });
      }
      const s = quoteIdent(schema);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.runs (
        seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, job text NOT NULL, job_dir text NOT NULL, status text NOT NULL, run_id text,
        context_name text NOT NULL, context text NOT NULL, created_at text NOT NULL, started_at text, finished_at text, duration_ms bigint,
        errors text NOT NULL, upload_dir text, resume integer NOT NULL DEFAULT 0)`);
      await client.query(`ALTER TABLE ${s}.runs ADD COLUMN IF NOT EXISTS started_by text`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.trigger_fires (
        seq bigserial PRIMARY KEY, job text NOT NULL, trigger text NOT NULL, key text NOT NULL, run text NOT NULL, fired_at text NOT NULL, UNIQUE (job, trigger, key))`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.trigger_armed (job text NOT NULL, trigger text NOT NULL, since text NOT NULL, PRIMARY KEY (job, trigger))`);
      await client.query(`CREATE INDEX IF NOT EXISTS runs_unfinished ON ${s}.runs (seq) WHERE finished_at IS NULL`);
      await client.query(`CREATE INDEX IF NOT EXISTS runs_by_job ON ${s}.runs (job, seq)`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.run_events (
        run text NOT NULL REFERENCES ${s}.runs (id) ON DELETE CASCADE, seq integer NOT NULL, event text NOT NULL, PRIMARY KEY (run, seq))`);
      return new PostgresRunStore(location, client, s);
    } catch (err) {
      await client.end().catch(() => {});
      if (err instanceof PypeError) throw err;
      throw new PypeError(`cannot open the run store ${location}: ${errorMessage(err)}`, { hint: 'the user needs CREATE on the database (or the schema created for it)' });
    }
  }

  async add(run: StoredRun): Promise<void> {
    const row = toRow(run);
    await this.query(`INSERT INTO ${this.schema}.runs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, COLUMNS.map((c) => row[c]));
  }

  async update(run: StoredRun): Promise<void> {
    const row = toRow(run);
    const set = COLUMNS.slice(1).map((c, i) => `${c} = $${i + 2}`).join(', ');
    await this.query(`UPDATE ${this.schema}.runs SET ${set} WHERE id = $1`, COLUMNS.map((c) => row[c]));
  }

  async addEvent(id: string, seq: number, event: PypeEvent): Promise<void> {
    await this.query(`INSERT INTO ${this.schema}.run_events (run, seq, event) VALUES ($1, $2, $3) ON CONFLICT (run, seq) DO UPDATE SET event = EXCLUDED.event`, [id, seq, toJson(event)]);
  }

  async get(id: string): Promise<StoredRun | undefined> {
    const { rows } = await this.query<RunRow>(`SELECT * FROM ${this.schema}.runs WHERE id = $1`, [id]);
    return rows[0] && fromRow(rows[0]);
  }

  async events(id: string, from = 0): Promise<PypeEvent[]> {
    const { rows } = await this.query<{ event: string }>(`SELECT event FROM ${this.schema}.run_events WHERE run = $1 AND seq >= $2 ORDER BY seq`, [id, from]);
    return rows.map((r) => JSON.parse(r.event));
  }

  async unfinished(): Promise<StoredRun[]> {
    const { rows } = await this.query<RunRow>(`SELECT * FROM ${this.schema}.runs WHERE finished_at IS NULL ORDER BY seq`);
    return rows.map(fromRow);
  }

  async list({ job, limit }: { job?: string; limit: number }): Promise<StoredRun[]> {
    const { rows } = await this.query<RunRow>(`SELECT * FROM ${this.schema}.runs WHERE ($1::text IS NULL OR job = $1) ORDER BY seq DESC LIMIT $2`, [job ?? null, Math.max(0, limit)]);
    return rows.map(fromRow);
  }

  async counts(): Promise<Record<RunPhase, number>> {
    const out = emptyCounts();
    const { rows } = await this.query<{ status: RunPhase; n: string }>(`SELECT status, count(*) AS n FROM ${this.schema}.runs GROUP BY status`);
    for (const { status, n } of rows) out[status] = Number(n);
    return out;
  }

  async forgetFinished(keep: number): Promise<void> {
    await this.query(`DELETE FROM ${this.schema}.runs WHERE finished_at IS NOT NULL AND seq < (
      SELECT min(seq) FROM (SELECT seq FROM ${this.schema}.runs WHERE finished_at IS NOT NULL ORDER BY seq DESC LIMIT $1) AS newest)`, [Math.max(1, keep)]);
  }

  /** One statement, so one transaction: the run is inserted only when its fire was. */
  async addTriggered(run: StoredRun, fire: TriggerFire): Promise<boolean> {
    const row = toRow(run);
    const values = COLUMNS.map((c, i) => `$${i + 6}${CASTS[c] ?? ''}`).join(', ');
    const { rows } = await this.query(`WITH fire AS (
        INSERT INTO ${this.schema}.trigger_fires (job, trigger, key, run, fired_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job, trigger, key) DO NOTHING RETURNING run)
      INSERT INTO ${this.schema}.runs (${COLUMNS.join(', ')}) SELECT ${values} FROM fire RETURNING id`,
    [fire.job, fire.trigger, fire.key, fire.run, fire.firedAt, ...COLUMNS.map((c) => row[c])]);
    return rows.length === 1;
  }

  async lastFire(job: string, trigger: string): Promise<TriggerFire | undefined> {
    const { rows } = await this.query<FireRow>(`SELECT * FROM ${this.schema}.trigger_fires WHERE job = $1 AND trigger = $2 ORDER BY seq DESC LIMIT 1`, [job, trigger]);
    return rows[0] && fromFireRow(rows[0]);
  }

  async firedKeys(job: string, trigger: string, keys: string[]): Promise<Set<string>> {
    const { rows } = await this.query<{ key: string }>(`SELECT key FROM ${this.schema}.trigger_fires WHERE job = $1 AND trigger = $2 AND key = ANY($3::text[])`, [job, trigger, keys]);
    return new Set(rows.map((r) => r.key));
  }

  async armedSince(job: string, trigger: string, now: string): Promise<string> {
    const { rows } = await this.query<{ since: string }>(`WITH armed AS (
        INSERT INTO ${this.schema}.trigger_armed (job, trigger, since) VALUES ($1, $2, $3) ON CONFLICT (job, trigger) DO NOTHING RETURNING since)
      SELECT since FROM armed UNION ALL SELECT since FROM ${this.schema}.trigger_armed WHERE job = $1 AND trigger = $2`, [job, trigger, now]);
    return rows[0].since;
  }

  async close(): Promise<void> {
    await this.turn;
    await this.client.end().catch(() => {});
  }
}

/** `?schema=name` chooses the store's schema; the rest of the URL is the connection. */
function splitSchema(url: string): { target: string; schema: string } {
  const match = /[?&]schema=([^&#]*)/.exec(url);
  if (!match) return { target: url, schema: DEFAULT_STORE_SCHEMA };
  const schema = decodeURIComponent(match[1]);
  if (!/^[a-z_][a-z0-9_]{0,62}$/i.test(schema)) {
    throw new PypeError(`--db: schema "${schema}" is not a plain SQL name`, { hint: 'use letters, digits and _ (e.g. ?schema=pype_serve_prod)' });
  }
  const target = url.replace(/([?&])schema=[^&#]*&?/, '$1').replace(/[?&]$/, '');
  return { target, schema };
}
