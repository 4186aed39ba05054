// Gathering rows is @pypeline/expr's kernel; re-exported so modules need one package for table verbs.
export { takeRows } from '@pypeline/expr';
export { concatBatches, concatData } from './concat-batches.js';
export { batchBytes } from './batch-bytes.js';
export { takeOrNull } from './take-or-null.js';
export { keyColumn, rowKey, NULL_KEY, UnknownColumnError } from './key-column.js';
export { missingColumn } from './missing-column.js';
export type { KeyColumn, KeyValue } from './key-column.js';
export { compareKeys } from './compare-keys.js';
export { rowComparator, rowKeys, rowOrder, sortIndices, sortPrefix } from './sort-indices.js';
export type { RowKeys, SortKey, SortPrefix } from './sort-indices.js';
export { orderColumn, orderColumnOf } from './order-column.js';
export type { OrderColumn } from './order-column.js';
export { parseSortKey, parseSortKeys, sortKeyProblem, SORT_KEY_FORMS } from './parse-sort-keys.js';
export { distinctRows, FirstRows, groupRows } from './group-rows.js';
export type { DistinctRows, Groups } from './group-rows.js';
export { hashJoin, JoinIndex, resolvePairs, unmatchedRight, keepsUnmatchedRight } from './hash-join.js';
export type { JoinIndexOptions, JoinKind, JoinPairs } from './hash-join.js';
export { aggregateGroups, AggregateError, fixedData, float64Data, foldsByGroup, groupSegments, HashAggregate, numberColumn, orderedColumn, validity } from './aggregate/index.js';
export type { HashAggregateResult, Segments, NumberColumn, OrderedColumn } from './aggregate/index.js';
// The aggregate calls HashAggregate and aggregateGroups take, as @pypeline/expr parses them.
export type { AggregateSpec } from '@pypeline/expr';
export { commonType, commonTypeOf, sameType, typeName } from './unify/common-type.js';
export type { TypeMeeting } from './unify/common-type.js';
export { castData, nullData } from './unify/cast-data.js';
export { fmix } from './hash-mix.js';
export { jsonEncoder, jsonRowEncoder } from './json-values.js';
export type { JsonEncoder } from './json-values.js';
