import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { IntakeWaiters, type CheckpointMeta, type IntakeLog, type StagedCheckpoint, type StateStore } from './state-store.js';

export interface LmdbStoreOptions {
  /**
   * fsync every checkpoint (default true): a checkpoint then survives a machine crash, not only
   * a killed process. Intake logs are never fsynced per record (see docs/streaming.md).
   */
  fsync?: boolean;
}

/**
 * Keyed state and checkpoints in LMDB (`state.mdb` in the app's state folder), and intake logs
 * in a second environment (`intake.mdb`) written without fsync so push sources can acknowledge
 * each message quickly.
 */
export class LmdbStateStore implements StateStore {
  private readonly root: RootDatabase;
  private readonly meta: Database;
  private readonly state: Database;
  private readonly intakeRoot: RootDatabase;
  private readonly intakeDb: Database;
  private readonly logs = new Map<string, LmdbIntake>();
  private readonly counts = new Map<string, number>();

  constructor(readonly dir: string, options: LmdbStoreOptions = {}) {
    mkdirSync(dir, { recursive: true });
    this.root = open({ path: join(dir, 'state.mdb'), noSync: options.fsync === false });
    this.meta = this.root.openDB({ name: 'meta' });
    this.state = this.root.openDB({ name: 'state' });
    this.intakeRoot = open({ path: join(dir, 'intake.mdb'), noSync: true });
    this.intakeDb = this.intakeRoot.openDB({ name: 'intake' });
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

  intake(source: string): LmdbIntake {
    if (!this.logs.has(source)) this.logs.set(source, new LmdbIntake(this.intakeDb, source));
    return this.logs.get(source)!;
  }

  async close(): Promise<void> {
    await this.root.close();
    await this.intakeRoot.close();
  }
}

/**
 * An intake log in LMDB. Each append is one entry: the array of its records under the sequence
 * number of the last one, so a group of messages costs one write and one delete when trimmed.
 * (Logs written before groups hold one bare record per entry, never an array: both are read.)
 */
class LmdbIntake implements IntakeLog {
  private last: number;
  private waiters = new IntakeWaiters();
  constructor(private readonly db: Database, private readonly source: string) {
    let last = 0;
    for (const key of db.getKeys({ start: [source, Number.MAX_SAFE_INTEGER], end: [source], reverse: true, limit: 1 }) as Iterable<[string, number]>) last = key[1];
    const floor = db.get([source, 0]) as number | undefined; // highest trimmed sequence number
    this.last = Math.max(last, floor ?? 0);
  }
  append(records: readonly unknown[]): number {
    if (records.length === 0) return this.last;
    this.db.putSync([this.source, this.last + records.length], [...records]);
    this.last += records.length;
    this.waiters.notify();
    return this.last;
  }
  read(after: number, limit: number) {
    const records: unknown[] = [];
    let last = after;
    for (const { key, value } of this.db.getRange({ start: [this.source, after + 1], end: [this.source, Number.MAX_SAFE_INTEGER] })) {
      const group = Array.isArray(value) ? value : [value];
      const end = (key as [string, number])[1];
      // The group holds end - length + 1 ... end; it can start at or before `after`.
      const first = end - group.length + 1;
      for (let seq = Math.max(first, after + 1); seq <= end && records.length < limit; seq++) {
        records.push(group[seq - first]);
        last = seq;
      }
      if (records.length >= limit) break;
    }
    return { records, last };
  }
  lastSeq() { return this.last; }
  skipTo(seq: number) {
    if (seq <= this.last) return;
    this.last = seq;
    this.db.putSync([this.source, 0], Math.max(seq, (this.db.get([this.source, 0]) as number | undefined) ?? 0));
  }
  waitFor(after: number, signal: AbortSignal) { return this.waiters.wait(() => this.last > after, signal); }
  trim(upTo: number) {
    this.db.transactionSync(() => {
      // A group that ends after `upTo` stays whole; reads skip its records up to the position.
      for (const key of this.db.getKeys({ start: [this.source, 1], end: [this.source, upTo + 1] })) this.db.removeSync(key);
      // Remember the sequence so numbering continues after a restart with an empty log.
      this.db.putSync([this.source, 0], Math.max(upTo, (this.db.get([this.source, 0]) as number | undefined) ?? 0));
    });
  }
}
