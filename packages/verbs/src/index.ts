// Gathering rows is @pypeline/expr's kernel; re-exported so modules need one package for table verbs.
export { takeRows } from '@pypeline/expr';
export { concatBatches, concatData } from './concat-batches.js';
export { takeOrNull } from './take-or-null.js';
export { keyColumn, rowKey, NULL_KEY, UnknownColumnError } from './key-column.js';
export { missingColumn } from './missing-column.js';
export type { KeyColumn, KeyValue } from './key-column.js';
export { compareKeys } from './compare-keys.js';
export { sortIndices } from './sort-indices.js';
export type { SortKey } from './sort-indices.js';
export { groupRows } from './group-rows.js';
export type { Groups } from './group-rows.js';
export { hashJoin, JoinIndex, resolvePairs, unmatchedRight, keepsUnmatchedRight } from './hash-join.js';
export type { JoinIndexOptions, JoinKind, JoinPairs } from './hash-join.js';
export { aggregateGroups, AggregateError, groupSegments, numberColumn, orderedColumn, validity } from './aggregate/index.js';
export type { Segments, NumberColumn, OrderedColumn } from './aggregate/index.js';
export { commonType, commonTypeOf, sameType, typeName } from './unify/common-type.js';
export type { TypeMeeting } from './unify/common-type.js';
export { castData, nullData } from './unify/cast-data.js';
