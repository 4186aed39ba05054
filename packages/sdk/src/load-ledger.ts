/*
 * What every database sink's ledger shares: "a sink's commit is also its record". Each load
 * records itself in the table `pypeline_loads` inside its own transaction, keyed by run and
 * node, so a resumed run can tell a load that committed from one that did not.
 */

/** The table where every load records itself, inside the load's own transaction. */
export const LEDGER_TABLE = 'pypeline_loads';

/** What identifies one load: the run (the same across `--resume`) and the node in its frame. */
export interface LoadKey {
  runId: string;
  nodeKey: string;
}

/** A load an earlier attempt of the same run committed. */
export interface RecordedLoad {
  rows: number;
  committedAt: string;
}
