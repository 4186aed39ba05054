// Out-of-core operators for modules: each keeps to a memory budget and spills to the run's temp area.
export { externalSort } from './external-sort.js';
export type { ExternalSortOptions } from './external-sort.js';
export { partitionedRun } from './partitioned-run.js';
export type { PartitionedRunOptions, PartitionInput, PartitionInfo, PartitionOutput } from './partitioned-run.js';
export { spillOptionsOf } from './spill-options.js';
export type { SpillOptions, SpillLogger } from './spill-options.js';
// The budget's measure lives in @pypeline/verbs (its hash aggregate counts with it too).
export { batchBytes } from '@pypeline/verbs';
export { partitionOf } from './hash-partition.js';
// The spill files and folders themselves, for a module that must keep a result of its own on disk.
export { SpillArea } from './spill-area.js';
export { SpillFileWriter, readSpillFile } from './spill-file.js';
export { hashAggregateRun } from './hash-aggregate-run.js';
export type { HashAggregateRunOptions } from './hash-aggregate-run.js';
export { chainBatches } from './chain-batches.js';
