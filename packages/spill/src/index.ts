// Out-of-core operators for modules: each keeps to a memory budget and spills to the run's temp area.
export { externalSort } from './external-sort.js';
export type { ExternalSortOptions } from './external-sort.js';
export { partitionedRun } from './partitioned-run.js';
export type { PartitionedRunOptions, PartitionInput, PartitionInfo, PartitionOutput } from './partitioned-run.js';
export { spillOptionsOf } from './spill-options.js';
export type { SpillOptions, SpillLogger } from './spill-options.js';
export { batchBytes } from './batch-bytes.js';
export { partitionOf } from './hash-partition.js';
// The spill files and folders themselves, for a module that must keep a result of its own on disk.
export { SpillArea } from './spill-area.js';
export { SpillFileWriter, readSpillFile } from './spill-file.js';
