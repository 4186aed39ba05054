import { DataType, Decimal, Field, Float64, Int64, RecordBatch, Schema, Struct, makeData, type Data } from 'apache-arrow';
import { aggregateColumnFix, aggregateColumnProblem, takeRows, type AggregateSpec } from '@pypeline/expr';
import { batchBytes } from '../batch-bytes.js';
import { concatBatches } from '../concat-batches.js';
import { KeyCodes } from '../key-codes.js';
import { keyColumn, UnknownColumnError } from '../key-column.js';
import { AggregateError } from './aggregate-error.js';
import { compileCondition } from './aggregate-groups.js';
import { bitmapOf, boolData, fixedData, float64Data } from './build-data.js';
import { doublesOf, numberColumn, validityIfNulls, type NumberColumn } from './column-readers.js';
import { exactSumData, momentResult } from './numeric-kernels.js';

const TWO_32 = 4_294_967_296;
const TWO_52 = 2 ** 52;

/**
 * Whether HashAggregate folds this aggregate batch by batch (its state per group is a few
 * numbers): count, count_if, sum, avg, the variance family, bool_and/or, and min/max of
 * integers up to 32 bits and floats; not DISTINCT. The others (median, quantiles, mode,
 * first/last, lists, min/max of text, dates or int64) need a group's rows together.
 */
export function foldsByGroup(call: AggregateSpec, schema: Schema): boolean {
  if (call.distinct) return false;
  if (call.fn === 'count_if' || (call.fn === 'count' && call.column === null)) return true;
  const field = schema.fields.find((f) => f.name === call.column);
  if (!field || aggregateColumnProblem(call.fn, field)) return false;
  switch (call.fn) {
    case 'count': case 'sum': case 'avg': case 'bool_and': case 'bool_or':
    case 'stddev': case 'stddev_samp': case 'variance': case 'var_samp': case 'stddev_pop': case 'var_pop':
      return true;
    case 'min': case 'max':
      return smallNumber(field.type);
    default:
      return false;
  }
}

/** Integers up to 32 bits and floats (not float16): min/max's value is exact as a double. */
function smallNumber(type: DataType): boolean {
  return (DataType.isInt(type) && type.bitWidth < 64) || (DataType.isFloat(type) && type.precision !== 0);
}

/** One HashAggregate's result: each group's key values and one column per aggregate, groups in order of first appearance. */
export interface HashAggregateResult {
  count: number;
  keys: RecordBatch;
  columns: Data[];
}

/**
 * SQL GROUP BY as a streaming hash aggregation: batches are added one at a time, each row's
 * key found (or added) in a hash table of the groups (KeyCodes), and each aggregate's state
 * per group updated in typed arrays; the input's rows are not kept, so memory grows with the
 * groups, not the rows. Every call must fold by group (`foldsByGroup`). Null keys form one
 * group, as in SQL. With no keys every row is in one group, which exists even for no rows.
 *
 * Out of core: `partial()` gives the state of every group as a batch (key columns, then each
 * aggregate's state columns); a HashAggregate made with `HashAggregate.merging` adds such
 * batches instead of input rows, so partial states spilled by key and merged partition by
 * partition give the same groups as one pass.
 */
export class HashAggregate {
  /** Groups so far. */
  groups = 0;
  private readonly codes: KeyCodes | undefined;
  /**
   * Group + 1 of each key code, once codes stop coming in the rows' order (a null key's code
   * is taken after its batch); until then a code is its group and the map is not read.
   */
  private groupOfCode: Int32Array | undefined;
  private readonly keyIndices: number[];
  private readonly keyBatches: RecordBatch[] = [];
  private keyBytes = 0;
  private readonly accumulators: Accumulator[];
  /** Every aggregate's state, group by group: group g's at g * stride, aggregate j's from offsets[j]. */
  private state = new Float64Array(0);
  private readonly stride: number;
  /** Where each aggregate's state columns start, in a partial batch. */
  private readonly stateAt: number[] = [];
  private readonly stateSchema: Schema;

  /**
   * `schema`: the input's schema; `calls`: the aggregates, each folding by group. `states`: the
   * batches added are partial states (HashAggregate.merging), not input rows.
   */
  constructor(
    private readonly schema: Schema,
    private readonly keys: readonly string[],
    private readonly calls: readonly AggregateSpec[],
    private readonly states = false,
    vars?: (name: string) => unknown,
  ) {
    this.keyIndices = keys.map((k) => {
      const index = schema.fields.findIndex((f) => f.name === k);
      if (index === -1) throw new UnknownColumnError(k, schema.names as string[], 'group by');
      return index;
    });
    this.codes = keys.length > 0 ? new KeyCodes({ schema }, keys, 'group by') : undefined;
    let stride = 0;
    this.accumulators = calls.map((call) => {
      const acc = named(call, () => accumulatorFor(call, schema, stride, vars));
      stride += acc.width;
      return acc;
    });
    this.stride = stride;
    const fields = this.keyIndices.map((i) => schema.fields[i]);
    this.accumulators.forEach((acc, j) => {
      this.stateAt.push(fields.length);
      acc.stateTypes().forEach((type, k) => fields.push(new Field(`s${j}_${k}`, type, true)));
    });
    this.stateSchema = new Schema(fields);
    if (keys.length === 0) this.newGroups(1);
  }

  /** A HashAggregate that merges the partial states (`partial()`) of others over the same input and calls. */
  static merging(schema: Schema, keys: readonly string[], calls: readonly AggregateSpec[], vars?: (name: string) => unknown): HashAggregate {
    return new HashAggregate(schema, keys, calls, true, vars);
  }

  /** The schema of `partial()`'s batches: the key columns, then each aggregate's state columns. */
  get partialSchema(): Schema {
    return this.stateSchema;
  }

  /** The bytes the groups hold: the hash table, the keys' values and every aggregate's state. */
  get bytes(): number {
    return (this.codes?.bytes ?? 0) + (this.groupOfCode?.byteLength ?? 0) + this.keyBytes + this.state.byteLength + this.accumulators.reduce((sum, a) => sum + a.extraBytes, 0);
  }

  /** Folds a batch: of input rows, or (merging) of partial states. */
  add(batch: RecordBatch): void {
    const n = batch.numRows;
    if (n === 0) return;
    const groupOf = this.codes ? this.assign(batch) : new Uint32Array(n);
    const { state, stride, accumulators } = this;
    if (this.states) {
      const columns = batch.data.children;
      accumulators.forEach((acc, j) => named(this.calls[j], () => acc.merge(state, stride, columns.slice(this.stateAt[j], this.stateAt[j] + acc.stateTypes().length), groupOf)));
      return;
    }
    accumulators.forEach((acc, j) => named(this.calls[j], () => acc.prepare(batch)));
    // Block by block, every aggregate in turn: the groups of a block are brought into cache by
    // the first aggregate and found there by the others (their states share each group's place).
    for (let from = 0; from < n; from += BLOCK) {
      const to = Math.min(n, from + BLOCK);
      for (let j = 0; j < accumulators.length; j++) accumulators[j].update(state, stride, groupOf, from, to);
    }
    for (const acc of accumulators) acc.release();
  }

  /** Every group's partial state, to spill and merge later (`HashAggregate.merging`). */
  partial(): RecordBatch {
    const keys = this.keyColumns();
    const columns = this.accumulators.flatMap((acc) => acc.state(this.state, this.stride, this.groups));
    return new RecordBatch(this.stateSchema, makeData({ type: new Struct(this.stateSchema.fields), length: this.groups, nullCount: 0, children: [...keys.data.children, ...columns] }));
  }

  /** The groups' keys and aggregates. Throws AggregateError (named `aggregates.<name>:`) for an integer sum that overflows. */
  result(): HashAggregateResult {
    const columns = this.accumulators.map((acc, j) => named(this.calls[j], () => acc.result(this.state, this.stride, this.groups)));
    return { count: this.groups, keys: this.keyColumns(), columns };
  }

  /** Each row's group, adding the groups of keys not seen before (their key values gathered from their first row). */
  private assign(batch: RecordBatch): Uint32Array {
    const n = batch.numRows;
    const codes = this.codes!.encode(batch, this.keys, 'group by', true, 'value');
    const groupOf = new Uint32Array(codes.buffer, codes.byteOffset, n);
    const fresh = new Uint32Array(n);
    let added = 0;
    let groups = this.groups;
    let i = 0;
    if (!this.groupOfCode) {
      // Codes in the rows' order: a code is its group, a new one is the next.
      for (; i < n; i++) {
        const c = codes[i];
        if (c < groups) continue;
        if (c !== groups) break;
        groups++;
        fresh[added++] = i;
      }
      if (i < n) {
        this.groupOfCode = new Int32Array(Math.max(this.codes!.size, 1024));
        for (let c = 0; c < groups; c++) this.groupOfCode[c] = c + 1;
      }
    }
    if (i < n) {
      if (this.groupOfCode!.length < this.codes!.size) {
        const grown = new Int32Array(Math.max(this.codes!.size, this.groupOfCode!.length * 2));
        grown.set(this.groupOfCode!);
        this.groupOfCode = grown;
      }
      const map = this.groupOfCode!;
      for (; i < n; i++) {
        const c = codes[i];
        let g = map[c] - 1;
        if (g < 0) {
          g = groups++;
          map[c] = g + 1;
          fresh[added++] = i;
        }
        groupOf[i] = g;
      }
    }
    if (added > 0) {
      // By name: a batch of partial states holds the keys first, an input batch where they are.
      const keyBatch = takeRows(batch.selectAt(this.keys.map((k) => batch.schema.fields.findIndex((f) => f.name === k))), fresh.subarray(0, added));
      this.keyBatches.push(keyBatch);
      this.keyBytes += batchBytes(keyBatch);
      this.newGroups(added);
    }
    return groupOf;
  }

  private newGroups(added: number): void {
    this.groups += added;
    const need = this.groups * this.stride;
    if (this.state.length >= need) return;
    const grown = new Float64Array(Math.max(need, this.state.length * 2, 64 * this.stride));
    grown.set(this.state);
    this.state = grown;
  }

  private keyColumns(): RecordBatch {
    const keySchema = new Schema(this.keyIndices.map((i) => this.schema.fields[i]));
    if (this.keys.length === 0) return new RecordBatch(keySchema, makeData({ type: new Struct([]), length: this.groups, nullCount: 0, children: [] }));
    const all = concatBatches(keySchema, this.keyBatches);
    // Gathered batches carry the selected fields; the result carries the schema's own.
    return all.schema === keySchema ? all : new RecordBatch(keySchema, all.data);
  }
}

/** Rows per block of `add`: a block's groups stay in cache while every aggregate folds it. */
const BLOCK = 1024;

/** Runs `fn`, naming the aggregate in an AggregateError it throws (`aggregates.total: …`). */
function named<T>(call: AggregateSpec, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof AggregateError && !error.message.startsWith('aggregates.')) throw new AggregateError(`aggregates.${call.name}: ${error.message}`, error.hint);
    throw error;
  }
}

/**
 * One aggregate's state: `width` doubles per group at `offset` within the group's place in the
 * HashAggregate's state array (s[g * stride + offset + k]); state that is not a double (an
 * exact sum past 2^52) beside it. `prepare` reads a batch's column, `update` folds a range of
 * its rows, `merge` folds another HashAggregate's partial state (`state`), `result` gives the
 * aggregate's column.
 */
abstract class Accumulator {
  /** Doubles of state per group. */
  abstract readonly width: number;
  /** Bytes held beside the shared state (bigint sums). */
  extraBytes = 0;
  protected values: Float64Array<ArrayBufferLike> = new Float64Array(0);
  protected valid: ((i: number) => boolean) | undefined;

  constructor(protected readonly offset: number) {}

  /** Reads what `update` folds from `batch` (by default the column's values as doubles). */
  abstract prepare(batch: RecordBatch): void;
  abstract update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void;
  abstract result(s: Float64Array, stride: number, count: number): Data;

  /** Folds partial states (`state`'s columns); by default they add up field by field (counts, sums, flags). */
  merge(s: Float64Array, stride: number, states: Data[], groupOf: Uint32Array): void {
    states.forEach((column, k) => {
      const v = f64Values(column);
      for (let i = 0, at = this.offset + k; i < groupOf.length; i++) s[groupOf[i] * stride + at] += v[i];
    });
  }

  /** The types of the partial state's columns; by default one Float64 per field. */
  stateTypes(): DataType[] {
    return Array.from({ length: this.width }, () => new Float64());
  }

  /** Every group's partial state; by default each field as a Float64 column. */
  state(s: Float64Array, stride: number, count: number): Data[] {
    return Array.from({ length: this.width }, (_, k) => f64State(this.field(s, stride, k, count), count));
  }

  /** Drops what `prepare` read. */
  release(): void {
    this.values = EMPTY;
    this.valid = undefined;
  }

  /** Reads column `index` of `batch` as doubles and validity. */
  protected read(data: Data): void {
    this.values = doublesOf(data);
    this.valid = validityIfNulls(data);
  }

  /** Field `k` of every group's state, for groups 0 … count - 1. */
  protected field(s: Float64Array, stride: number, k: number, count: number): Float64Array {
    const out = new Float64Array(count);
    for (let g = 0, at = this.offset + k; g < count; g++, at += stride) out[g] = s[at];
    return out;
  }

  /** Whether field `k` of group g is positive (a "seen" flag, or a count of values). */
  protected flag(s: Float64Array, stride: number, k: number): (g: number) => boolean {
    return (g) => s[g * stride + this.offset + k] > 0;
  }
}

const EMPTY: Float64Array<ArrayBufferLike> = new Float64Array(0);

function accumulatorFor(call: AggregateSpec, schema: Schema, offset: number, vars?: (name: string) => unknown): Accumulator {
  const label = call.condition !== undefined ? `${call.fn}(${call.condition})` : `${call.fn}(${call.column ?? '*'})`;
  if (call.fn === 'count_if') {
    const test = (condition: string) => compileCondition(schema, condition, label, vars);
    return new CountIfAccumulator(offset, test(call.condition!), test(`(${call.condition!}) is not null`));
  }
  if (call.column === null) return new CountAccumulator(offset, undefined);
  const index = schema.fields.findIndex((f) => f.name === call.column);
  if (index === -1) throw new UnknownColumnError(call.column, schema.names as string[], `${label}:`);
  const field = schema.fields[index];
  const problem = aggregateColumnProblem(call.fn, field);
  if (problem) throw new AggregateError(problem, aggregateColumnFix(call.fn));
  switch (call.fn) {
    case 'count': return new CountAccumulator(offset, index);
    case 'sum': return DataType.isFloat(field.type) ? new FloatSumAccumulator(offset, index) : new ExactSumAccumulator(offset, index, field.type, label);
    case 'avg': return new AvgAccumulator(offset, index);
    case 'stddev': case 'stddev_samp': return new MomentAccumulator(offset, index, 'stddev_samp');
    case 'variance': case 'var_samp': return new MomentAccumulator(offset, index, 'var_samp');
    case 'stddev_pop': case 'var_pop': return new MomentAccumulator(offset, index, call.fn);
    case 'min': case 'max': return new ExtremeAccumulator(offset, index, field.type, call.fn === 'min' ? 1 : -1);
    case 'bool_and': case 'bool_or': return new BoolAccumulator(offset, index, call.fn === 'bool_and');
    default: throw new Error(`${label} does not fold by group (foldsByGroup says which do)`);
  }
}

/** A Float64 state column of `count` groups (no nulls). */
function f64State(values: Float64Array, count: number): Data {
  return makeData({ type: new Float64(), length: count, data: values });
}

/** The values of a Float64 state column. */
function f64Values(data: Data): Float64Array {
  return data.values as Float64Array;
}

/** count as 32-bit word pairs of an Int64 column (Arrow's little-endian buffers): no BigInt per group. */
function countData(counts: Float64Array, isValid: (g: number) => boolean): Data {
  const count = counts.length;
  const words = new Uint32Array(count * 2);
  for (let g = 0; g < count; g++) {
    words[2 * g] = counts[g] % TWO_32;
    words[2 * g + 1] = Math.floor(counts[g] / TWO_32);
  }
  return fixedData(new Int64(), count, new BigInt64Array(words.buffer), isValid);
}

/** count(*) and count(column). State: count. */
class CountAccumulator extends Accumulator {
  readonly width = 1;

  constructor(offset: number, private readonly column: number | undefined) {
    super(offset);
  }

  prepare(batch: RecordBatch): void {
    this.valid = this.column === undefined ? undefined : validityIfNulls(batch.data.children[this.column]);
  }

  update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    const { valid, offset } = this;
    if (!valid) for (let i = from; i < to; i++) s[groupOf[i] * stride + offset]++;
    else for (let i = from; i < to; i++) if (valid(i)) s[groupOf[i] * stride + offset]++;
  }

  result(s: Float64Array, stride: number, count: number): Data {
    return countData(this.field(s, stride, 0, count), () => true);
  }
}

/** count_if: the rows where the condition holds; null for a group where it is null on every row. State: count, known. */
class CountIfAccumulator extends Accumulator {
  readonly width = 2;
  private hits: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private knows: Uint8Array<ArrayBufferLike> = new Uint8Array(0);

  constructor(offset: number, private readonly hit: (batch: RecordBatch) => Uint8Array, private readonly known: (batch: RecordBatch) => Uint8Array) {
    super(offset);
  }

  prepare(batch: RecordBatch): void {
    this.hits = this.hit(batch);
    this.knows = this.known(batch);
  }

  update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    const { hits, knows, offset } = this;
    for (let i = from; i < to; i++) {
      const at = groupOf[i] * stride + offset;
      s[at] += hits[i];
      if (knows[i] === 1) s[at + 1] = 1;
    }
  }

  result(s: Float64Array, stride: number, count: number): Data {
    // Known: merged partial states add their flags up.
    const known = this.field(s, stride, 1, count);
    return countData(this.field(s, stride, 0, count), (g) => known[g] > 0);
  }
}

/** An aggregate over one column, read as doubles (and validity) for each batch. */
abstract class ColumnAccumulator extends Accumulator {
  constructor(offset: number, private readonly column: number) {
    super(offset);
  }

  prepare(batch: RecordBatch): void {
    this.read(batch.data.children[this.column]);
  }

  /** Adds each valid value of rows `from … to` to field 0 of its group and counts it in field 1 (sum, avg). */
  protected addAndCount(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    const { values, valid, offset } = this;
    for (let i = from; i < to; i++) {
      if (valid && !valid(i)) continue;
      const at = groupOf[i] * stride + offset;
      s[at] += values[i];
      s[at + 1]++;
    }
  }
}

/**
 * An aggregate whose state is a double and whether the group has one (a flag or a count: sum
 * of floats, min/max of numbers): its partial state is that double, null where there is none,
 * and merging folds the partial values as it folds a column's.
 */
abstract class ValueAccumulator extends ColumnAccumulator {
  readonly width = 2;

  override merge(s: Float64Array, stride: number, [values]: Data[], groupOf: Uint32Array): void {
    this.read(values);
    this.update(s, stride, groupOf, 0, groupOf.length);
    this.release();
  }

  override stateTypes(): DataType[] {
    return [new Float64()];
  }

  override state(s: Float64Array, stride: number, count: number): Data[] {
    return [float64Data(this.field(s, stride, 0, count), this.flag(s, stride, 1))];
  }
}

/** sum of a float column: Float64, null for a group without values. State: sum, count of values. */
class FloatSumAccumulator extends ValueAccumulator {
  update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    this.addAndCount(s, stride, groupOf, from, to);
  }

  result(s: Float64Array, stride: number, count: number): Data {
    return this.state(s, stride, count)[0];
  }
}

/**
 * sum of integers and decimals, exact: values add up in a double while they stay within 2^52
 * (exact), and move to a bigint per group before they could pass it; Int64 (an overflow is an
 * error) or Decimal(38, scale). The partial state is the exact sum as Decimal(38, scale).
 * State: the double part, seen; the bigint parts in a Map.
 */
class ExactSumAccumulator extends Accumulator {
  readonly width = 2;
  private readonly big = new Map<number, bigint>();
  private readonly kind: NumberColumn['kind'];
  private readonly scale: number;
  private column: NumberColumn | undefined;
  /** The kind `prepare` read: the column's, or decimal for partial states. */
  private reading: NumberColumn['kind'];

  constructor(offset: number, private readonly index: number, type: DataType, private readonly label: string) {
    super(offset);
    this.kind = DataType.isDecimal(type) ? 'decimal' : DataType.isInt(type) && type.bitWidth === 64 ? 'int64' : 'int';
    this.reading = this.kind;
    this.scale = DataType.isDecimal(type) ? type.scale : 0;
  }

  prepare(batch: RecordBatch): void {
    this.readExact(batch.data.children[this.index], this.kind);
  }

  private readExact(data: Data, kind: NumberColumn['kind']): void {
    this.reading = kind;
    this.column = numberColumn(data);
    // Integers read as doubles are exact up to 2^53; decimals are read exactly, value by value.
    this.values = kind === 'decimal' ? EMPTY : doublesOf(data);
    this.valid = validityIfNulls(data);
  }

  update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    const { values, valid, offset } = this;
    const c = this.column!;
    const doubles = this.reading !== 'decimal';
    for (let i = from; i < to; i++) {
      if (valid && !valid(i)) continue;
      const g = groupOf[i];
      const at = g * stride + offset;
      s[at + 1] = 1;
      const exact = doubles ? undefined : c.big(i);
      const v = doubles ? values[i] : Number(exact);
      if (!(Math.abs(v) <= TWO_52)) {
        this.addBig(g, exact ?? c.big(i));
        continue;
      }
      s[at] += v;
      if (Math.abs(s[at]) > TWO_52) {
        this.addBig(g, BigInt(s[at]));
        s[at] = 0;
      }
    }
  }

  override merge(s: Float64Array, stride: number, [sums]: Data[], groupOf: Uint32Array): void {
    this.readExact(sums, 'decimal');
    this.update(s, stride, groupOf, 0, groupOf.length);
    this.release();
  }

  override release(): void {
    super.release();
    this.column = undefined;
  }

  private addBig(g: number, v: bigint): void {
    if (!this.big.has(g)) this.extraBytes += 64;
    this.big.set(g, (this.big.get(g) ?? 0n) + v);
  }

  private totals(s: Float64Array, stride: number, count: number): (bigint | null)[] {
    const out = new Array<bigint | null>(count);
    for (let g = 0, at = this.offset; g < count; g++, at += stride) out[g] = s[at + 1] === 1 ? (this.big.get(g) ?? 0n) + BigInt(s[at]) : null;
    return out;
  }

  override stateTypes(): DataType[] {
    return [new Decimal(this.scale, 38, 128)];
  }

  override state(s: Float64Array, stride: number, count: number): Data[] {
    return [exactSumData({ kind: 'decimal', scale: this.scale }, this.totals(s, stride, count), this.label)];
  }

  result(s: Float64Array, stride: number, count: number): Data {
    return exactSumData({ kind: this.kind, scale: this.scale }, this.totals(s, stride, count), this.label);
  }
}

/** avg: the sum over the count; Float64, null for a group without values. State: sum, count. */
class AvgAccumulator extends ColumnAccumulator {
  readonly width = 2;

  update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    this.addAndCount(s, stride, groupOf, from, to);
  }

  result(s: Float64Array, stride: number, count: number): Data {
    const sums = this.field(s, stride, 0, count);
    const n = this.field(s, stride, 1, count);
    for (let g = 0; g < count; g++) sums[g] /= n[g];
    return float64Data(sums, (g) => n[g] > 0);
  }
}

/** The variance family: Welford's count, mean and sum of squared deviations; partial states merged by Chan's formula. */
class MomentAccumulator extends ColumnAccumulator {
  readonly width = 3;

  constructor(offset: number, column: number, private readonly fn: 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop') {
    super(offset, column);
  }

  update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    const { values, valid, offset } = this;
    for (let i = from; i < to; i++) {
      if (valid && !valid(i)) continue;
      const at = groupOf[i] * stride + offset;
      const x = values[i];
      const k = ++s[at];
      const d = x - s[at + 1];
      s[at + 1] += d / k;
      s[at + 2] += d * (x - s[at + 1]);
    }
  }

  override merge(s: Float64Array, stride: number, [count, average, squares]: Data[], groupOf: Uint32Array): void {
    const nb = f64Values(count);
    const mb = f64Values(average);
    const qb = f64Values(squares);
    for (let i = 0; i < groupOf.length; i++) {
      if (nb[i] === 0) continue;
      const at = groupOf[i] * stride + this.offset;
      const na = s[at];
      const total = na + nb[i];
      const d = mb[i] - s[at + 1];
      s[at + 1] += (d * nb[i]) / total;
      s[at + 2] += qb[i] + (d * d * na * nb[i]) / total;
      s[at] = total;
    }
  }

  result(s: Float64Array, stride: number, count: number): Data {
    return momentResult(this.field(s, stride, 0, count), this.field(s, stride, 2, count), this.fn);
  }
}

/**
 * min/max of integers up to 32 bits and floats, kept as doubles and given back in the column's
 * type. As the row kernel (extremeNumberRows): a NaN never replaces and is never replaced.
 * State: value, seen.
 */
class ExtremeAccumulator extends ValueAccumulator {
  constructor(offset: number, column: number, private readonly type: DataType, private readonly sign: 1 | -1) {
    super(offset, column);
  }

  update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    const { values, valid, offset, sign } = this;
    for (let i = from; i < to; i++) {
      if (valid && !valid(i)) continue;
      const at = groupOf[i] * stride + offset;
      const x = values[i];
      if (s[at + 1] === 0 || sign * (x - s[at]) < 0) {
        s[at] = x;
        s[at + 1] = 1;
      }
    }
  }

  result(s: Float64Array, stride: number, count: number): Data {
    const values = new (this.type.ArrayType as new (n: number) => Float64Array)(count);
    for (let g = 0, at = this.offset; g < count; g++, at += stride) values[g] = s[at];
    const { bitmap, nulls } = bitmapOf(count, this.flag(s, stride, 1));
    return makeData({ type: this.type, length: count, nullCount: nulls, nullBitmap: bitmap, data: values } as never);
  }
}

/** bool_and / bool_or over the non-null values; null for a group without any. State: 0 none, 1 false, 2 true. */
class BoolAccumulator extends Accumulator {
  readonly width = 1;
  private truth = new Uint8Array(0);

  constructor(offset: number, private readonly column: number, private readonly and: boolean) {
    super(offset);
  }

  prepare(batch: RecordBatch): void {
    const data = batch.data.children[this.column];
    this.valid = validityIfNulls(data);
    const column = keyColumn(batch, batch.schema.fields[this.column].name);
    this.truth = Uint8Array.from({ length: batch.numRows }, (_, i) => (column.get(i) === true ? 2 : 1));
  }

  update(s: Float64Array, stride: number, groupOf: Uint32Array, from: number, to: number): void {
    const { valid, truth, offset } = this;
    for (let i = from; i < to; i++) if (!valid || valid(i)) this.fold(s, groupOf[i] * stride + offset, truth[i]);
  }

  override merge(s: Float64Array, stride: number, [state]: Data[], groupOf: Uint32Array): void {
    const v = f64Values(state);
    for (let i = 0; i < groupOf.length; i++) if (v[i] !== 0) this.fold(s, groupOf[i] * stride + this.offset, v[i]);
  }

  private fold(s: Float64Array, at: number, v: number): void {
    const now = s[at];
    s[at] = now === 0 ? v : this.and ? Math.min(now, v) : Math.max(now, v);
  }

  override release(): void {
    super.release();
    this.truth = new Uint8Array(0);
  }

  result(s: Float64Array, stride: number, count: number): Data {
    const state = this.field(s, stride, 0, count);
    return boolData(Int8Array.from(state, (v) => v - 1));
  }
}
