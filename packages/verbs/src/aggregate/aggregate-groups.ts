import { DataType, type Data, type RecordBatch, type Schema } from 'apache-arrow';
import {
  aggregateColumnFix, aggregateColumnProblem, checkExpression, compilePredicate, ExprError, formatDiagnostic, parseExpression,
  type AggregateCall, type ExprDiagnostic,
} from '@pypeline/expr';
import type { Groups } from '../group-rows.js';
import { keyColumn, UnknownColumnError } from '../key-column.js';
import { takeOrNull } from '../take-or-null.js';
import { AggregateError } from './aggregate-error.js';
import { numberColumn, orderedColumn, validity } from './column-readers.js';
import { listData, stringAggData } from './collect-kernels.js';
import { boolFoldData, countData } from './count-kernels.js';
import { groupSegments } from './group-segments.js';
import { momentData, quantileContData, sumData, type Fold } from './numeric-kernels.js';
import { edgeRows, extremeNumberRows, extremeRows, modeRows, quantileDiscRows } from './pick-kernels.js';

/**
 * One aggregate (an @pypeline/expr AggregateCall) over the rows of `batch` split into `groups`:
 * one value per group, typed by the table's rule (aggregateResultType). Throws
 * UnknownColumnError for a missing column and AggregateError for a column the function cannot
 * read, a bad count_if condition, or an integer sum that overflows.
 */
export function aggregateGroups(batch: RecordBatch, groups: Groups, call: AggregateCall, vars?: (name: string) => unknown): Data {
  const label = call.condition !== undefined ? `${call.fn}(${call.condition})` : `${call.fn}(${call.distinct ? 'distinct ' : ''}${call.column ?? '*'})`;
  const all: Fold = { rows: identity(batch.numRows), groupOf: groups.groupOf, count: groups.count };
  if (call.fn === 'count_if') {
    // DuckDB: null for a group where the condition is null on every row.
    const test = (condition: string) => conditionTest(batch, condition, label, vars);
    return countData(all, test(call.condition!), test(`(${call.condition!}) is not null`));
  }
  if (call.column === null) return countData(all, () => true);
  const index = batch.schema.fields.findIndex((f) => f.name === call.column);
  if (index === -1) throw new UnknownColumnError(call.column, batch.schema.names as string[], `${label}:`);
  const field = batch.schema.fields[index];
  const problem = aggregateColumnProblem(call.fn, field);
  if (problem) throw new AggregateError(problem, aggregateColumnFix(call.fn));
  const data = batch.data.children[index];
  const fold: Fold = call.distinct ? { ...all, rows: distinctRows(batch, call.column, groups) } : all;
  // No groups (an empty input with group_by): nothing to gather, and the column may have no buffers.
  const gather = (rows: Int32Array) => (rows.length === 0 ? data : takeOrNull(batch.selectAt([index]), rows).data.children[0]);
  const segments = () => groupSegments(groups.groupOf, groups.count, fold.rows);
  switch (call.fn) {
    case 'count': return countData(fold, validity(data));
    case 'sum': return sumData(numberColumn(data), fold, label);
    case 'avg': return momentData(numberColumn(data), fold, 'avg');
    case 'stddev': case 'stddev_samp': return momentData(numberColumn(data), fold, 'stddev_samp');
    case 'variance': case 'var_samp': return momentData(numberColumn(data), fold, 'var_samp');
    case 'stddev_pop': case 'var_pop': return momentData(numberColumn(data), fold, call.fn);
    case 'median': return quantileContData(numberColumn(data), segments(), 0.5);
    case 'quantile_cont': return quantileContData(numberColumn(data), segments(), Number(call.p));
    case 'quantile_disc': return gather(quantileDiscRows(orderedColumn(batch, index), segments(), call.p!));
    case 'min': case 'max': {
      const sign = call.fn === 'min' ? 1 : -1;
      const numbers = DataType.isFloat(field.type) || (DataType.isInt(field.type) && field.type.bitWidth < 64) ? numberColumn(data) : undefined;
      return gather(numbers && numbers.kind !== 'int64' ? extremeNumberRows(numbers, fold, sign) : extremeRows(orderedColumn(batch, index), fold, sign));
    }
    case 'first': case 'last': return gather(edgeRows(fold, call.fn === 'last'));
    case 'mode': return gather(modeRows(keyColumn(batch, call.column), fold));
    case 'string_agg': return stringAggData(data, segments(), call.separator ?? ',');
    case 'list': return listData(batch, index, segments());
    case 'bool_and': case 'bool_or': {
      const values = keyColumn(batch, call.column);
      return boolFoldData(fold, validity(data), (i) => values.get(i) === true, call.fn === 'bool_and');
    }
  }
}

function identity(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** The first row of each distinct (group, value) pair, in input order; null counts as one value (list keeps it once). */
function distinctRows(batch: RecordBatch, column: string, groups: Groups): Uint32Array {
  const keys = keyColumn(batch, column);
  const seen = new Set<string>();
  const kept: number[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const v = keys.get(i);
    const key = `${groups.groupOf[i]}\u0000${v === null ? 'null' : `${typeof v}${String(v)}`}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(i);
  }
  return Uint32Array.from(kept);
}

/** count_if's condition compiled over the batch: whether each row satisfies it (null counts as false). */
function conditionTest(batch: RecordBatch, condition: string, label: string, vars?: (name: string) => unknown): (row: number) => boolean {
  const hit = compileCondition(batch.schema, condition, label, vars)(batch);
  return (row) => hit[row] === 1;
}

/**
 * count_if's condition, checked and compiled against `schema`: for a batch, 1 for each row that
 * satisfies it (null counts as false). An invalid condition is an AggregateError with the
 * expression's diagnostics, when compiled or when evaluated.
 */
export function compileCondition(schema: Schema, condition: string, label: string, vars?: (name: string) => unknown): (batch: RecordBatch) => Uint8Array {
  const { expr, errors } = parseExpression(condition);
  const diagnostics: ExprDiagnostic[] = expr && errors.length === 0 ? checkExpression(expr, schema) : errors;
  const invalid = () => new AggregateError(`${label}: the condition is invalid:\n${diagnostics.map((d) => formatDiagnostic(condition, d)).join('\n')}`, 'columns are referenced by name, text in single quotes, e.g. count_if(amount > 10)');
  const guarded = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof ExprError)) throw error;
      diagnostics.push(...error.diagnostics);
      throw invalid();
    }
  };
  if (diagnostics.length > 0) throw invalid();
  const predicate = guarded(() => compilePredicate(expr!, schema, vars));
  return (batch) => {
    const selected = guarded(() => predicate(batch));
    const hit = new Uint8Array(batch.numRows);
    for (const i of selected) hit[i] = 1;
    return hit;
  };
}
