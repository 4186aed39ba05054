import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryArtifact, writeFileAtomicSync, type Artifact, errorMessage } from '@pypeline/sdk';
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

  /** Records a finished sub flow with the run state at that moment. */
  complete(key: string, snapshot: Pick<CheckpointState, 'globals' | 'nodeStatus'>): void {
    if (!this.state.completed.includes(key)) this.state.completed.push(key);
    this.state = { ...this.state, ...snapshot };
    this.save();
  }

  /**
   * Writes `state.json`. A fresh run saves it before any module runs, so the run's id is on disk
   * before a sink can commit: a run killed at any point can be resumed under the same id.
   */
  save(): void {
    this.state.updated = new Date().toISOString();
    writeFileAtomicSync(join(this.dir, 'state.json'), JSON.stringify(this.state, (_, v) => (typeof v === 'bigint' ? Number(v) : v), 2));
  }

  /** Removes the checkpoint (a run that completes leaves none behind). */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
