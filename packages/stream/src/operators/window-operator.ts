import { Field, Schema, TimestampMillisecond, type RecordBatch } from 'apache-arrow';
import { takeRows } from '@pypeline/expr';
import { compileAggregate, type Aggregate, type CompiledAggregate } from '../aggregates.js';
import { inferSchema, plainValue, rowsToBatch, timeColumnMs, type Row } from '../arrow-rows.js';
import { keyReader, type KeyReader } from '../key-reader.js';
import { schemaFromSpec, specOf } from '../schema-spec.js';
import type { StateDelta } from '../state/state-store.js';
import { assignWindows, type TimeWindow, type WindowSpec } from '../windows.js';
import type { Emit, Operator } from './operator.js';
import { TimerQueue } from './timer-queue.js';

/** One key's window: the checkpointed unit of keyed state. */
interface WindowEntry {
  /** key value */
  k: unknown;
  s: number;
  e: number;
  /** accumulators */
  a: unknown[];
  /** fired once already (1) */
  f: 0 | 1;
}

/** How a window folds its rows: built-in aggregates or a user reduce function. */
export interface Folder {
  /** The input schema is known (first batch, or restored from a checkpoint). */
  bind(input: Schema): void;
  init(): unknown[];
  /** Per batch: folds row `r` with event time `t` into `accs` in place. */
  prepare(batch: RecordBatch): (accs: unknown[], r: number, t: number) => void;
  merge(a: unknown[], b: unknown[]): unknown[];
  /** The result columns of a window. */
  result(accs: unknown[]): Row;
  /** Output schema given the input schema, or undefined to infer it from the rows. */
  outputSchema(input: Schema, key: string): Schema | undefined;
}

export function aggregateFolder(aggregates: Record<string, Aggregate>): Folder {
  let compiled: CompiledAggregate[] | undefined;
  const compile = (schema: Schema) => (compiled ??= Object.entries(aggregates).map(([name, a]) => compileAggregate(name, a, schema)));
  return {
    bind: (input) => void compile(input),
    init: () => compile(new Schema([])).map((a) => a.init()),
    prepare(batch) {
      const ups = compile(batch.schema).map((a) => a.prepare(batch));
      const n = ups.length;
      return (accs, r, t) => {
        for (let i = 0; i < n; i++) accs[i] = ups[i](accs[i], r, t);
      };
    },
    merge: (a, b) => compiled!.map((agg, i) => agg.merge(a[i], b[i])),
    result: (accs) => Object.fromEntries(compiled!.map((agg, i) => [agg.name, agg.result(accs[i])])),
    outputSchema(input, key) {
      const aggs = compile(input);
      const keyField = input.fields.find((f) => f.name === key)!;
      return new Schema([
        keyField,
        new Field('window_start', new TimestampMillisecond(), false),
        new Field('window_end', new TimestampMillisecond(), false),
        ...aggs.map((a) => new Field(a.name, a.type, true)),
      ]);
    },
  };
}

export function reduceFolder(fn: (acc: unknown, row: Row) => unknown, initial: unknown, merge?: (a: unknown, b: unknown) => unknown): Folder {
  return {
    bind: () => {},
    init: () => [structuredClone(initial)],
    prepare(batch) {
      const cols = batch.schema.fields.map((f, i) => [f.name, batch.getChildAt(i)!] as const);
      return (accs, r) => {
        const row: Row = {};
        for (const [name, col] of cols) row[name] = plainValue(col.get(r));
        accs[0] = fn(accs[0], row);
      };
    },
    merge: (a, b) => [merge!(a[0], b[0])],
    result: (accs) => (accs[0] !== null && typeof accs[0] === 'object' && !Array.isArray(accs[0]) ? (accs[0] as Row) : { value: accs[0] }),
    outputSchema: () => undefined,
  };
}

const SCHEMA_KEY = '\u0000schema';

type Fold = (accs: unknown[], r: number, t: number) => void;

/**
 * Keyed event-time windows (tumbling, sliding, session) with watermarks and allowed lateness.
 * A window fires once when the watermark passes its end; an event for it that arrives later but
 * within the allowed lateness updates it and fires it again; events past that go to `late`.
 */
export class WindowOperator implements Operator {
  private entries = new Map<string, WindowEntry>();
  private sessions = new Map<string, Set<string>>();
  private fireQ = new TimerQueue();
  private cleanQ = new TimerQueue();
  private dirty = new Set<string>();
  private deleted = new Set<string>();
  private wm = -Infinity;
  private input: Schema | undefined;
  private output: Schema | undefined;
  private schemaDirty = false;
  private readonly tmp: TimeWindow[] = [];

  constructor(
    readonly id: string,
    private readonly key: string,
    private readonly time: string,
    private readonly spec: WindowSpec,
    private readonly lateness: number,
    private readonly folder: Folder,
  ) {}

  process(batch: RecordBatch, _input: number, emit: Emit): void {
    if (!this.input) this.learnSchema(batch.schema);
    const keyIndex = batch.schema.fields.findIndex((f) => f.name === this.key);
    if (keyIndex < 0) throw new Error(`window "${this.id}": key column "${this.key}" is not in the stream (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
    const keys = keyReader(batch.getChildAt(keyIndex)!);
    const times = timeColumnMs(batch, this.time);
    const fold = this.folder.prepare(batch);
    const late: number[] = [];
    const refire = new Set<string>();
    const session = this.spec.kind === 'session';
    const tumblingSize = this.spec.kind === 'tumbling' ? this.spec.size : 0;
    const tumblingOffset = this.spec.kind === 'tumbling' ? this.spec.offset : 0;
    for (let r = 0; r < batch.numRows; r++) {
      const t = times[r];
      if (t !== t) {
        late.push(r); // no event time: cannot be placed in a window
        continue;
      }
      const ks = keys.id(r);
      const accepted = session ? this.addToSession(keys, ks, t, r, fold, refire) : tumblingSize ? this.addToTumbling(keys, ks, t, r, fold, refire, tumblingSize, tumblingOffset) : this.addToWindows(keys, ks, t, r, fold, refire);
      if (!accepted) late.push(r);
    }
    if (late.length > 0) emit('late', takeRows(batch, Uint32Array.from(late)));
    if (refire.size > 0) this.emitResults([...refire].map((sk) => this.entries.get(sk)!).filter(Boolean), emit);
  }

  /** The hot path: one window per event, computed inline. */
  private addToTumbling(keys: KeyReader, ks: string, t: number, r: number, fold: Fold, refire: Set<string>, size: number, offset: number): boolean {
    const start = t - ((((t - offset) % size) + size) % size);
    return this.addToWindow(keys, ks, start, start + size, t, r, fold, refire);
  }

  private addToWindows(keys: KeyReader, ks: string, t: number, r: number, fold: Fold, refire: Set<string>): boolean {
    let accepted = false;
    for (const w of assignWindows(this.spec, t, this.tmp)) accepted = this.addToWindow(keys, ks, w.start, w.end, t, r, fold, refire) || accepted;
    return accepted;
  }

  /** Folds row `r` into its key's window `[start, end)`; false when the window is past its lateness. */
  private addToWindow(keys: KeyReader, ks: string, start: number, end: number, t: number, r: number, fold: Fold, refire: Set<string>): boolean {
    const maxTs = end - 1;
    if (maxTs + this.lateness <= this.wm) return false;
    const sk = ks + '\u0001' + start;
    let entry = this.entries.get(sk);
    if (!entry) {
      entry = { k: keys.value(r), s: start, e: end, a: this.folder.init(), f: 0 };
      this.entries.set(sk, entry);
      this.deleted.delete(sk);
      this.fireQ.add(maxTs, sk);
      this.cleanQ.add(maxTs + this.lateness, sk);
    }
    fold(entry.a, r, t);
    this.dirty.add(sk);
    if (entry.f === 1 || maxTs <= this.wm) {
      entry.f = 1; // fired before, or a late event for a window whose time has passed: fire (again) now
      refire.add(sk);
    }
    return true;
  }

  private addToSession(keys: KeyReader, ks: string, t: number, r: number, fold: Fold, refire: Set<string>): boolean {
    const gap = (this.spec as { gap: number }).gap;
    let start = t;
    let end = t + gap;
    const open = this.sessions.get(ks);
    const overlapping: string[] = [];
    if (open) {
      for (const sk of open) {
        const e = this.entries.get(sk)!;
        if (e.s <= end && e.e >= start) overlapping.push(sk);
      }
      for (const sk of overlapping) {
        const e = this.entries.get(sk)!;
        start = Math.min(start, e.s);
        end = Math.max(end, e.e);
      }
    }
    const maxTs = end - 1;
    if (maxTs + this.lateness <= this.wm) return false;
    let accs = this.folder.init();
    for (const sk of overlapping) {
      const e = this.entries.get(sk)!;
      accs = this.folder.merge(accs, e.a);
      this.removeEntry(sk);
    }
    const sk = ks + '\u0001' + start;
    const entry: WindowEntry = { k: keys.value(r), s: start, e: end, a: accs, f: 0 };
    fold(entry.a, r, t);
    this.entries.set(sk, entry);
    this.deleted.delete(sk);
    this.dirty.add(sk);
    if (!this.sessions.has(ks)) this.sessions.set(ks, new Set());
    this.sessions.get(ks)!.add(sk);
    if (maxTs <= this.wm) {
      entry.f = 1;
      refire.add(sk);
    } else {
      this.fireQ.add(maxTs, sk);
    }
    this.cleanQ.add(maxTs + this.lateness, sk);
    return true;
  }

  private removeEntry(sk: string) {
    const e = this.entries.get(sk);
    if (!e) return;
    this.entries.delete(sk);
    this.dirty.delete(sk);
    this.deleted.add(sk);
    if (this.spec.kind === 'session') {
      const ks = sk.slice(0, sk.lastIndexOf('\u0001'));
      const set = this.sessions.get(ks);
      set?.delete(sk);
      if (set && set.size === 0) this.sessions.delete(ks);
    }
  }

  onWatermark(wm: number, emit: Emit): void {
    if (wm <= this.wm) return;
    this.wm = wm;
    const fired: WindowEntry[] = [];
    for (const [time, keys] of this.fireQ.popUntil(wm)) {
      for (const sk of keys) {
        const e = this.entries.get(sk);
        if (!e || e.f === 1 || e.e - 1 !== time) continue;
        e.f = 1;
        this.dirty.add(sk);
        fired.push(e);
      }
    }
    if (fired.length > 0) this.emitResults(fired, emit);
    for (const [time, keys] of this.cleanQ.popUntil(wm)) {
      for (const sk of keys) {
        const e = this.entries.get(sk);
        if (e && e.e - 1 + this.lateness === time) this.removeEntry(sk);
      }
    }
  }

  private emitResults(entries: WindowEntry[], emit: Emit) {
    const rows = entries.map((e) => ({ [this.key]: e.k, window_start: e.s, window_end: e.e, ...this.folder.result(e.a) }));
    const schema = this.outputSchema() ?? inferSchema(rows);
    emit('out', rowsToBatch(rows, schema));
  }

  private outputSchema(): Schema | undefined {
    if (!this.output && this.input) this.output = this.folder.outputSchema(this.input, this.key);
    return this.output;
  }

  private learnSchema(schema: Schema) {
    this.input = schema;
    this.folder.bind(schema);
    this.schemaDirty = true;
  }

  snapshot(delta: StateDelta): void {
    if (this.schemaDirty && this.input) {
      delta.puts.push([this.id, SCHEMA_KEY, specOf(this.input)]);
      this.schemaDirty = false;
    }
    for (const sk of this.dirty) delta.puts.push([this.id, sk, this.entries.get(sk)]);
    for (const sk of this.deleted) delta.deletes.push([this.id, sk]);
    this.dirty.clear();
    this.deleted.clear();
  }

  restore(entries: Iterable<[string, unknown]>): void {
    for (const [sk, value] of entries) {
      if (sk === SCHEMA_KEY) {
        this.input = schemaFromSpec(value as Record<string, never>);
        this.folder.bind(this.input);
        continue;
      }
      const e = value as WindowEntry;
      this.entries.set(sk, e);
      if (e.f === 0) this.fireQ.add(e.e - 1, sk);
      this.cleanQ.add(e.e - 1 + this.lateness, sk);
      if (this.spec.kind === 'session') {
        const ks = sk.slice(0, sk.lastIndexOf('\u0001'));
        if (!this.sessions.has(ks)) this.sessions.set(ks, new Set());
        this.sessions.get(ks)!.add(sk);
      }
    }
  }

  stateSize(): number { return this.entries.size; }
}
