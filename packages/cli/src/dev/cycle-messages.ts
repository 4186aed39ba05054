/** What `pype dev` hands a cycle's worker thread (dev-cycle.ts). */
export interface DevCycleInput {
  file: string;
  context: string;
  set: string[];
  limit: number;
  verbose: boolean;
  debug: boolean;
}

/** What a cycle tells the session: the entry files of the flow's modules, then that it ended. */
export type DevCycleMessage = { type: 'modules'; entries: string[] } | { type: 'done' };

/** The message that cancels a cycle (a save during the run, or Ctrl-C). */
export const CANCEL = 'cancel';
