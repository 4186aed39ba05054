// Out-of-core operators for modules: each keeps to a memory budget and spills to the run's temp area.
export { externalSort } from './external-sort.js';
export type { ExternalSortOptions } from './external-sort.js';
export { partitionedRun } from './partitioned-run.js';
export type { PartitionedRunOptions, PartitionInput, PartitionInfo, PartitionOutput } from './partitioned-run.js';
export type { SpillOptions, SpillLogger } from './spill-options.js';
export { batchBytes } from './batch-bytes.js';
export { partitionOf } from './hash-partition.js';
