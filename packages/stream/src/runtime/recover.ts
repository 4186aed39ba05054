import type { StreamApp } from '../app.js';
import type { StreamLogger, StreamSink } from '../connector.js';
import type { StateStore } from '../state/state-store.js';
import type { Checkpointer } from './checkpointer.js';
import type { Engine } from './engine.js';
import { StreamRunError } from './stream-run-error.js';

/**
 * Restores the state folder's last checkpoint into the engine and the checkpointer; returns
 * its id. A checkpoint staged but not applied means the process died mid-checkpoint: it is
 * finished when every exactly-once sink committed it, else discarded (the sinks rolled back).
 */
export async function recoverState(app: StreamApp, dir: string, parts: { engine: Engine; store: StateStore; sinks: ReadonlyMap<string, StreamSink>; checkpoints: Checkpointer; log: StreamLogger }): Promise<number | undefined> {
  const { engine, store, checkpoints, log } = parts;
  const staged = store.staged();
  if (staged) {
    const transactional = [...parts.sinks.values()].filter((s) => s.isCommitted);
    const committed = await Promise.all(transactional.map((s) => s.isCommitted!(staged.meta.id)));
    if (committed.every(Boolean)) {
      await store.applyStaged();
      log('info', `finished checkpoint ${staged.meta.id}, interrupted by the previous run`);
    } else {
      await store.discardStaged();
      log('info', `discarded checkpoint ${staged.meta.id}: the previous run stopped before its sinks committed it`);
    }
  }
  const current = store.current();
  if (!current) return undefined;
  if (current.topology !== app.topology()) {
    throw new StreamRunError(`the state in ${dir} was written by a different version of app "${app.name}" (operators, keys, windows or aggregates changed); keep the old topology, or start from scratch with another state folder (or delete ${dir})`);
  }
  engine.restore(store, current.watermarks);
  Object.assign(checkpoints.positions, current.positions);
  checkpoints.lastId = current.id;
  log('info', `restored from checkpoint ${current.id}`, { checkpoint: current.id });
  return current.id;
}
