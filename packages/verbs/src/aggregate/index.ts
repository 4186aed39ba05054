export { aggregateGroups } from './aggregate-groups.js';
export { AggregateError } from './aggregate-error.js';
export { groupSegments, type Segments } from './group-segments.js';
export { numberColumn, orderedColumn, validity, type NumberColumn, type OrderedColumn } from './column-readers.js';
export { fixedData, float64Data } from './build-data.js';
export { foldsByGroup, HashAggregate, type HashAggregateResult } from './hash-aggregate.js';
