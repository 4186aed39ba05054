/**
 * The idempotent-resume marker of the database sinks (ARCHITECTURE.md, "A sink's commit is also
 * its record"): each load inserts a row into a ledger table inside the load's own transaction,
 * keyed by run and node (with its iteration frame). A resumed run keeps the interrupted run's id,
 * so a load that committed before a kill finds its row and is not loaded again; a load that did
 * not commit left no row (nor any of its data) and loads. The SQL is each database's own
 * (`LedgerSession`); the order of the steps, which makes every kill point safe, is here.
 */

/** The ledger table's name, in every database. */
export const LEDGER_TABLE = 'pypeline_loads';

/** What identifies one load: the run (the same across `--resume`) and the node in its frame, e.g. `load#2`. */
export interface LoadKey {
  runId: string;
  nodeKey: string;
}

/** A load an earlier attempt of the same run committed. */
export interface RecordedLoad {
  rows: number;
  committedAt: string;
}

/** One connection's transaction and its ledger statements, in the database's SQL. */
export interface LedgerSession {
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * Inserts the key's row (0 rows) unless it is there; true when this call inserted it. A
   * concurrent transaction holding the same key makes it wait until that one ends.
   */
  claim(key: LoadKey, target: string): Promise<boolean>;
  /** The key's row as committed (read with a lock, so it is the latest). */
  read(key: LoadKey): Promise<RecordedLoad>;
  /** Sets the key's row count and commit time, inside the load's transaction. */
  record(key: LoadKey, rows: number): Promise<void>;
}

/** The key of the load a module's run makes: its run id and its node id (which carries the iteration frame). */
export function loadKeyOf(ctx: { runId: string; nodeId: string }): LoadKey {
  return { runId: ctx.runId, nodeKey: ctx.nodeId };
}

/**
 * Runs `load` (which writes the rows and returns their count) in one transaction with the
 * ledger row, or skips it when an earlier attempt of this run committed it. Any failure rolls
 * the transaction back, data and ledger row alike, and is rethrown.
 */
export async function loadOnce(session: LedgerSession, key: LoadKey, target: string, load: () => Promise<number>): Promise<{ rows: number; earlier?: RecordedLoad }> {
  await session.begin();
  try {
    if (!(await session.claim(key, target))) {
      const earlier = await session.read(key);
      await session.rollback();
      return { rows: earlier.rows, earlier };
    }
    const rows = await load();
    await session.record(key, rows);
    await session.commit();
    return { rows };
  } catch (error) {
    await session.rollback().catch(() => {});
    throw error;
  }
}

/** The log line of a load that is not loaded again. */
export function alreadyLoadedMessage(runId: string, earlier: RecordedLoad): string {
  return `already loaded: the interrupted run ${runId} committed this load at ${earlier.committedAt}; not loading it again`;
}
