import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { FileIntake } from './file-intake.js';
import type { CheckpointMeta, StagedCheckpoint, StateStore } from './state-store.js';

export interface LmdbStoreOptions {
  /**
   * fsync every checkpoint (default true): a checkpoint then survives a machine crash, not only
   * a killed process. Intake logs are never fsynced per record (see docs/streaming.md).
   */
  fsync?: boolean;
}

/**
 * Keyed state and checkpoints in LMDB (`state.mdb` in the app's state folder), and intake logs
 * as append-only files (`intake/<source>/`, see FileIntake) written without fsync so push sources
 * can acknowledge each message quickly. Intake logs that earlier versions kept in LMDB
 * (`intake.mdb`) are moved into the files when their source first opens them.
 */
export class LmdbStateStore implements StateStore {
  private readonly root: RootDatabase;
  private readonly meta: Database;
  private readonly state: Database;
  /** The intake logs of earlier versions, when the folder has them. */
  private readonly legacyRoot: RootDatabase | undefined;
  private readonly legacyDb: Database | undefined;
  private readonly logs = new Map<string, FileIntake>();
  private readonly counts = new Map<string, number>();

  constructor(readonly dir: string, options: LmdbStoreOptions = {}) {
    mkdirSync(dir, { recursive: true });
    this.root = open({ path: join(dir, 'state.mdb'), noSync: options.fsync === false });
    this.meta = this.root.openDB({ name: 'meta' });
    this.state = this.root.openDB({ name: 'state' });
    if (existsSync(join(dir, 'intake.mdb'))) {
      this.legacyRoot = open({ path: join(dir, 'intake.mdb'), noSync: true });
      this.legacyDb = this.legacyRoot.openDB({ name: 'intake' });
    }
    for (const key of this.state.getKeys() as Iterable<[string, string]>) this.counts.set(key[0], (this.counts.get(key[0]) ?? 0) + 1);
  }

  current(): CheckpointMeta | undefined { return this.meta.get('current') as CheckpointMeta | undefined; }
  staged(): StagedCheckpoint | undefined { return this.meta.get('staged') as StagedCheckpoint | undefined; }

  *entries(op: string): Iterable<[string, unknown]> {
    for (const { key, value } of this.state.getRange({ start: [op], end: [op + '\u0000'] })) yield [(key as [string, string])[1], value];
  }

  sizes(): Record<string, number> { return Object.fromEntries(this.counts); }

  async stage(cp: StagedCheckpoint): Promise<void> {
    await this.meta.put('staged', cp);
  }

  async applyStaged(): Promise<void> {
    const cp = this.staged();
    if (!cp) return;
    await this.root.transaction(() => {
      for (const [op, key, value] of cp.delta.puts) {
        if (!this.state.doesExist([op, key])) this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
        this.state.put([op, key], value);
      }
      for (const [op, key] of cp.delta.deletes) {
        if (this.state.doesExist([op, key])) this.counts.set(op, (this.counts.get(op) ?? 1) - 1);
        this.state.remove([op, key]);
      }
      this.meta.put('current', cp.meta);
      this.meta.remove('staged');
    });
    // Intake records the checkpoint consumed are no longer needed.
    for (const [source, upTo] of Object.entries(cp.delta.trims)) this.intake(source).trim(upTo);
  }

  async discardStaged(): Promise<void> {
    await this.meta.remove('staged');
  }

  intake(source: string): FileIntake {
    let log = this.logs.get(source);
    if (!log) {
      // The folder's name is the source's id made safe for a path (`source-..` is a plain name).
      log = new FileIntake(join(this.dir, 'intake', `source-${encodeURIComponent(source)}`));
      if (this.legacyDb) moveLegacyIntake(this.legacyDb, source, log);
      this.logs.set(source, log);
    }
    return log;
  }

  async close(): Promise<void> {
    for (const log of this.logs.values()) log.close();
    await this.root.close();
    await this.legacyRoot?.close();
  }
}

/**
 * Moves a source's records from an LMDB intake log of an earlier version into its file log, with
 * their sequence numbers, then deletes them from LMDB. A crash part way is resumed at the next
 * open: the file log's last number says how far the move got.
 */
function moveLegacyIntake(db: Database, source: string, log: FileIntake): void {
  const legacy = new LmdbIntake(db, source);
  if (legacy.lastSeq() === 0) return;
  const after = Math.max(log.lastSeq(), legacy.floor());
  for (const { first, records } of legacy.groups(after)) {
    // Group by group, with their numbers: a gap between groups (a skipTo) stays a gap.
    log.skipTo(first - 1);
    log.append(records);
  }
  log.skipTo(legacy.lastSeq());
  db.transactionSync(() => {
    for (const key of db.getKeys({ start: [source], end: [source, Number.MAX_SAFE_INTEGER] })) db.removeSync(key);
  });
}

/**
 * An intake log as earlier versions kept it in LMDB, read to move it into the file log. Each
 * append was one entry: the array of its records under the sequence number of the last one
 * (before that, one bare record per entry: both are read); `[source, 0]` holds the highest
 * trimmed number.
 */
class LmdbIntake {
  private readonly last: number;
  constructor(private readonly db: Database, private readonly source: string) {
    let last = 0;
    for (const key of db.getKeys({ start: [source, Number.MAX_SAFE_INTEGER], end: [source], reverse: true, limit: 1 }) as Iterable<[string, number]>) last = key[1];
    this.last = Math.max(last, this.floor());
  }
  floor(): number {
    return (this.db.get([this.source, 0]) as number | undefined) ?? 0;
  }
  /** The records after `after`, as they were appended: each group with the number of its first record. */
  *groups(after: number): Iterable<{ first: number; records: unknown[] }> {
    for (const { key, value } of this.db.getRange({ start: [this.source, after + 1], end: [this.source, Number.MAX_SAFE_INTEGER] })) {
      const group = Array.isArray(value) ? value : [value];
      const end = (key as [string, number])[1];
      // The group holds end - length + 1 ... end; it can start at or before `after`.
      const first = Math.max(end - group.length + 1, after + 1);
      yield { first, records: group.slice(first - (end - group.length + 1)) };
    }
  }
  lastSeq() { return this.last; }
}
