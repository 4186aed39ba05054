import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryArtifact, writeFileAtomic, writeFileAtomicSync, type Artifact, errorMessage } from '@pypeline/sdk';
import { PypeError } from '../errors.js';
import type { NodeStatus } from './events.js';
import { parquet } from './parquet.js';

export const CHECKPOINT_DIR = 'checkpoint';

/** What `checkpoint/state.json` holds (data lives beside it as Parquet). */
export interface CheckpointState {
  version: 1;
  runId: string;
  flow: string;
  context: string;
  updated: string;
  /** `subflow#frame` keys of sub flows that finished successfully. */
  completed: string[];
  globals: { values: Record<string, unknown>; latest: Record<string, unknown> };
  nodeStatus: Record<string, NodeStatus>;
  /** `module.port#frame` -> Parquet file (relative): lists ITERATE edges loop over. */
  lists: Record<string, string>;
}

/**
 * Sub flow checkpoints in the job folder: the run state as JSON written atomically after each
 * sub flow that succeeds, and the data later sub flows need (ITERATE lists) as Parquet.
 */
export class Checkpoint {
  readonly dir: string;
  private state: CheckpointState;
  /** Settles when the last write queued so far has ended. */
  private idle: Promise<void> = Promise.resolve();
  /** The next write, queued behind the one under way: it takes every completion recorded before it starts. */
  private next: Promise<void> | undefined;
  /** Takes the run state for the next write. */
  private snapshot: (() => Pick<CheckpointState, 'globals' | 'nodeStatus'>) | undefined;

  private constructor(jobDir: string, state: CheckpointState) {
    this.dir = join(jobDir, CHECKPOINT_DIR);
    this.state = state;
  }

  static fresh(jobDir: string, runId: string, flow: string, context: string): Checkpoint {
    return new Checkpoint(jobDir, { version: 1, runId, flow, context, updated: '', completed: [], globals: { values: {}, latest: {} }, nodeStatus: {}, lists: {} });
  }

  static exists(jobDir: string): boolean {
    return existsSync(join(jobDir, CHECKPOINT_DIR, 'state.json'));
  }

  /** Loads the checkpoint of an interrupted or failed run, to resume it. */
  static load(jobDir: string): Checkpoint {
    const file = join(jobDir, CHECKPOINT_DIR, 'state.json');
    if (!existsSync(file)) {
      throw new PypeError(`nothing to resume: ${jobDir} has no checkpoint`, { hint: 'run it without --resume' });
    }
    try {
      return new Checkpoint(jobDir, JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new PypeError(`the checkpoint ${file} is unreadable: ${errorMessage(err)}`, { hint: 'run `pype clean <job>` and run it again without --resume' });
    }
  }

  get data(): Readonly<CheckpointState> {
    return this.state;
  }

  isCompleted(key: string): boolean {
    return this.state.completed.includes(key);
  }

  /** Saves an ITERATE list before the sub flow that made it is marked complete. */
  async saveList(key: string, artifact: Artifact): Promise<void> {
    const rel = `list-${Object.keys(this.state.lists).length + 1}.parquet`;
    mkdirSync(this.dir, { recursive: true });
    await (await parquet()).writeParquetFile(join(this.dir, rel), await artifact.table(), { compression: 'snappy' });
    this.state.lists[key] = rel;
  }

  async loadList(key: string): Promise<Artifact | undefined> {
    const rel = this.state.lists[key];
    return rel ? new MemoryArtifact(await (await parquet()).readParquetFile(join(this.dir, rel))) : undefined;
  }

  /**
   * Records a finished sub flow with the run state at that moment; resolves once a `state.json`
   * holding it is on disk (so what follows the sub flow starts only after that). Completions
   * that come while a write is under way share the next write (group commit): a wide fan-out
   * pays one fsync per batch instead of one per sub flow, and none blocks the event loop.
   * `snapshot` is taken when the write starts, once per write: the run state of then, which
   * holds every sub flow the write records as completed.
   */
  complete(key: string, snapshot: () => Pick<CheckpointState, 'globals' | 'nodeStatus'>): Promise<void> {
    if (!this.state.completed.includes(key)) this.state.completed.push(key);
    this.snapshot = snapshot;
    return this.flush();
  }

  /** A write of the current state after the one under way, shared by every caller until it starts. */
  private flush(): Promise<void> {
    if (!this.next) {
      const next = this.idle.then(async () => {
        this.next = undefined;
        if (this.snapshot) this.state = { ...this.state, ...this.snapshot() };
        this.snapshot = undefined;
        await writeFileAtomic(join(this.dir, 'state.json'), this.serialize());
      });
      this.next = next;
      this.idle = next.catch(() => {});
    }
    return this.next;
  }

  /**
   * Writes `state.json` now. A fresh run saves it before any module runs, so the run's id is on
   * disk before a sink can commit: a run killed at any point can be resumed under the same id.
   */
  save(): void {
    writeFileAtomicSync(join(this.dir, 'state.json'), this.serialize());
  }

  private serialize(): string {
    this.state.updated = new Date().toISOString();
    return JSON.stringify(this.state, (_, v) => (typeof v === 'bigint' ? Number(v) : v), 2);
  }

  /** Removes the checkpoint (a run that completes leaves none behind), after any write under way. */
  async clear(): Promise<void> {
    for (let idle = this.idle; ; idle = this.idle) {
      await idle;
      if (idle === this.idle) break;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
