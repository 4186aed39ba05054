/** Where an out-of-core operator reports what it spilled (a module's `ctx.logger` fits). */
export interface SpillLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
}

/** What every out-of-core operator of this package is given. */
export interface SpillOptions {
  /**
   * Bytes of Arrow data the operator may hold in memory (a module passes `ctx.memoryBudget`).
   * Input that fits is processed in memory without touching the disk.
   */
  memoryBudget: number;
  /**
   * A folder for spill files, or a function giving one, called only when the operator first
   * spills (a module passes `ctx.tempDir`, so input that fits creates no folder). The operator
   * makes its own sub folder inside, and removes it when it ends: on success, on error, on
   * abort and when its reader stops early.
   */
  tempDir: string | (() => string);
  /** Stops the operator between batches (a module passes `ctx.signal`); its files are removed. */
  signal?: AbortSignal;
  /** Told when the operator spills, with bytes, rows, runs or partitions. */
  logger?: SpillLogger;
}

/** The options a module gives every operator, from its context: `partitionedRun({ ...spillOptionsOf(ctx), inputs, process })`. */
export function spillOptionsOf(ctx: { memoryBudget: number; tempDir: () => string; signal?: AbortSignal; logger?: SpillLogger }): SpillOptions {
  return { memoryBudget: ctx.memoryBudget, tempDir: ctx.tempDir, signal: ctx.signal, logger: ctx.logger };
}
