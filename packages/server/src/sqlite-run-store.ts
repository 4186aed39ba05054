import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { PypeError, type PypeEvent } from '@pypeline/core';
import { errorCode, errorMessage } from '@pypeline/sdk';
import { emptyCounts, fromFireRow, fromRow, toJson, toRow, type FireRow, type RunPhase, type RunRow, type RunStore, type StoredRun, type TriggerFire } from './run-store.js';

/** 2: runs.started_by, trigger_fires and trigger_armed (the triggers of `pype serve`). */
const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  job TEXT NOT NULL,
  job_dir TEXT NOT NULL,
  status TEXT NOT NULL,
  run_id TEXT,
  context_name TEXT NOT NULL,
  context TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  duration_ms INTEGER,
  errors TEXT NOT NULL,
  upload_dir TEXT,
  resume INTEGER NOT NULL DEFAULT 0,
  started_by TEXT
);
CREATE INDEX IF NOT EXISTS runs_unfinished ON runs (seq) WHERE finished_at IS NULL;
CREATE INDEX IF NOT EXISTS runs_by_job ON runs (job, seq);
CREATE TABLE IF NOT EXISTS run_events (
  run TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  PRIMARY KEY (run, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS trigger_fires (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job TEXT NOT NULL,
  trigger TEXT NOT NULL,
  key TEXT NOT NULL,
  run TEXT NOT NULL,
  fired_at TEXT NOT NULL,
  UNIQUE (job, trigger, key)
);
CREATE TABLE IF NOT EXISTS trigger_armed (
  job TEXT NOT NULL,
  trigger TEXT NOT NULL,
  since TEXT NOT NULL,
  PRIMARY KEY (job, trigger)
) WITHOUT ROWID;
`;

/** Version 1 stores (before triggers) get the column the CREATE TABLE above has. */
const MIGRATIONS: Record<number, string> = { 1: 'ALTER TABLE runs ADD COLUMN started_by TEXT' };

/**
 * The run store in one SQLite file (WAL). The file is locked for this process alone while it is
 * open (`locking_mode = EXCLUSIVE`): two servers sharing one store would each resume the other's
 * runs. The OS drops the lock when the process dies, so a restart after a crash opens it at once.
 */
export class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(readonly location: string) {
    this.db = openDatabase(location);
    const db = this.db;
    this.statements = {
      add: db.prepare(`INSERT INTO runs (id, job, job_dir, status, run_id, context_name, context, created_at, started_at, finished_at, duration_ms, errors, upload_dir, resume, started_by)
        VALUES (@id, @job, @job_dir, @status, @run_id, @context_name, @context, @created_at, @started_at, @finished_at, @duration_ms, @errors, @upload_dir, @resume, @started_by)`),
      addFire: db.prepare<[string, string, string, string, string]>('INSERT OR IGNORE INTO trigger_fires (job, trigger, key, run, fired_at) VALUES (?, ?, ?, ?, ?)'),
      lastFire: db.prepare<[string, string], FireRow>('SELECT * FROM trigger_fires WHERE job = ? AND trigger = ? ORDER BY seq DESC LIMIT 1'),
      fired: db.prepare<[string, string, string], { key: string }>('SELECT key FROM trigger_fires WHERE job = ? AND trigger = ? AND key IN (SELECT value FROM json_each(?))'),
      arm: db.prepare<[string, string, string]>('INSERT OR IGNORE INTO trigger_armed (job, trigger, since) VALUES (?, ?, ?)'),
      armed: db.prepare<[string, string], { since: string }>('SELECT since FROM trigger_armed WHERE job = ? AND trigger = ?'),
      update: db.prepare(`UPDATE runs SET status = @status, run_id = @run_id, started_at = @started_at, finished_at = @finished_at, duration_ms = @duration_ms,
        errors = @errors, upload_dir = @upload_dir, resume = @resume WHERE id = @id`),
      addEvent: db.prepare('INSERT OR REPLACE INTO run_events (run, seq, event) VALUES (?, ?, ?)'),
      get: db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?'),
      events: db.prepare<[string, number], { event: string }>('SELECT event FROM run_events WHERE run = ? AND seq >= ? ORDER BY seq'),
      unfinished: db.prepare<[], RunRow>('SELECT * FROM runs WHERE finished_at IS NULL ORDER BY seq'),
      list: db.prepare<[string | null, string | null, number], RunRow>('SELECT * FROM runs WHERE (? IS NULL OR job = ?) ORDER BY seq DESC LIMIT ?'),
      counts: db.prepare<[], { status: RunPhase; n: number }>('SELECT status, count(*) AS n FROM runs GROUP BY status'),
      forget: db.prepare(`DELETE FROM runs WHERE finished_at IS NOT NULL AND seq < (
        SELECT min(seq) FROM (SELECT seq FROM runs WHERE finished_at IS NOT NULL ORDER BY seq DESC LIMIT ?))`),
    };
  }

  async add(run: StoredRun): Promise<void> {
    this.durably(() => this.statements.add.run(toRow(run)));
  }

  async update(run: StoredRun, durable = false): Promise<void> {
    const write = () => this.statements.update.run(toRow(run));
    if (durable) this.durably(write);
    else write();
  }

  async addEvent(id: string, seq: number, event: PypeEvent): Promise<void> {
    this.statements.addEvent.run(id, seq, toJson(event));
  }

  async get(id: string): Promise<StoredRun | undefined> {
    const row = this.statements.get.get(id);
    return row && fromRow(row);
  }

  async events(id: string, from = 0): Promise<PypeEvent[]> {
    return this.statements.events.all(id, from).map((r) => JSON.parse(r.event));
  }

  async unfinished(): Promise<StoredRun[]> {
    return this.statements.unfinished.all().map(fromRow);
  }

  async list({ job, limit }: { job?: string; limit: number }): Promise<StoredRun[]> {
    return this.statements.list.all(job ?? null, job ?? null, Math.max(0, limit)).map(fromRow);
  }

  async counts(): Promise<Record<RunPhase, number>> {
    const out = emptyCounts();
    for (const { status, n } of this.statements.counts.all()) out[status] = n;
    return out;
  }

  async forgetFinished(keep: number): Promise<void> {
    this.statements.forget.run(Math.max(1, keep));
  }

  async addTriggered(run: StoredRun, fire: TriggerFire): Promise<boolean> {
    const s = this.statements;
    let added = false;
    const both = this.db.transaction(() => {
      added = s.addFire.run(fire.job, fire.trigger, fire.key, fire.run, fire.firedAt).changes === 1;
      if (added) s.add.run(toRow(run));
    });
    this.durably(() => both());
    return added;
  }

  async lastFire(job: string, trigger: string): Promise<TriggerFire | undefined> {
    const row = this.statements.lastFire.get(job, trigger);
    return row && fromFireRow(row);
  }

  async firedKeys(job: string, trigger: string, keys: string[]): Promise<Set<string>> {
    return new Set(this.statements.fired.all(job, trigger, JSON.stringify(keys)).map((r) => r.key));
  }

  async armedSince(job: string, trigger: string, now: string): Promise<string> {
    this.statements.arm.run(job, trigger, now);
    return this.statements.armed.get(job, trigger)!.since;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * WAL with `synchronous = NORMAL` survives a killed process but may lose the last commits
   * to a power cut; an accepted run and a final status are worth an fsync each, events are not.
   */
  private durably(write: () => void): void {
    this.db.pragma('synchronous = FULL');
    try {
      write();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }
}

function openDatabase(location: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    db = new Database(location, { timeout: 2000 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Takes the exclusive lock now, so a second server fails at start rather than at its first run.
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new PypeError(`the run store ${location} was written by a newer PYpeline (store version ${version}, this one reads ${SCHEMA_VERSION})`, { hint: 'upgrade PYpeline, or pass --db <file> to start another store' });
    }
    for (let v = version; v > 0 && v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof PypeError) throw err;
    if (errorCode(err) === 'SQLITE_BUSY') {
      throw new PypeError(`the run store ${location} is in use by another process (is another pype serve running on it?)`, { hint: 'stop that server, or give this one its own store with --db <file>' });
    }
    throw new PypeError(`cannot open the run store ${location}: ${errorMessage(err)}`, { hint: 'pass --db <file> with a writable path (the default is <jobs>/.pype-serve/runs.db)' });
  }
}
