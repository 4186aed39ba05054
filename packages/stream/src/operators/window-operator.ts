import { Field, Schema, TimestampMillisecond, type RecordBatch } from 'apache-arrow';
import { takeRows } from '@pypeline/expr';
import { compileAggregate, type Aggregate, type CompiledAggregate } from '../aggregates.js';
import { inferSchema, plainValue, rowsToBatch, timeColumnMs, type Row } from '../arrow-rows.js';
import { keysReader, type KeyReader } from '../key-reader.js';
import { schemaFromSpec, specOf } from '../schema-spec.js';
import type { StateDelta } from '../state/state-store.js';
import { assignWindows, windowStart, type TimeWindow, type WindowSpec } from '../windows.js';
import type { Emit, Operator } from './operator.js';
import { TimerQueue } from './timer-queue.js';

/** One key's window: the checkpointed unit of keyed state. */
interface WindowEntry {
  /** key value (one key column), or the values of the key columns */
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
  /** Output schema given the input schema and the key columns, or undefined to infer it from the rows. */
  outputSchema(input: Schema, keys: string[]): Schema | undefined;
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
    outputSchema(input, keys) {
      const aggs = compile(input);
      return new Schema([
        ...keys.map((k) => input.fields.find((f) => f.name === k)!),
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

/** An entry while in memory: with its key's id, whether it still exists, and the snapshot epoch it last changed in. */
interface LiveEntry extends WindowEntry {
  ks: string;
  live: boolean;
  d: number;
}

/**
 * Keyed event-time windows (tumbling, sliding, session) with watermarks and allowed lateness.
 * A window fires once when the watermark passes its end; an event for it that arrives later but
 * within the allowed lateness updates it and fires it again; events past that go to `late`.
 *
 * State is a map per key of windows by start time (numbers, so the per-event lookup hashes only
 * the key); each window is one entry of keyed state, stored under `<key id>\u0001<start>`.
 * Only the windows changed since the last checkpoint are written to it.
 */
export class WindowOperator implements Operator {
  private byKey = new Map<string, Map<number, LiveEntry>>();
  private count = 0;
  private fireQ = new TimerQueue<LiveEntry>();
  private cleanQ = new TimerQueue<LiveEntry>();
  private changed: LiveEntry[] = [];
  private epoch = 1;
  private deleted = new Set<string>();
  private wm = -Infinity;
  private input: Schema | undefined;
  private output: Schema | undefined;
  private schemaDirty = false;
  private readonly tmp: TimeWindow[] = [];

  constructor(
    readonly id: string,
    private readonly keys: string[],
    private readonly time: string,
    private readonly spec: WindowSpec,
    private readonly lateness: number,
    private readonly folder: Folder,
  ) {}

  process(batch: RecordBatch, _input: number, emit: Emit): void {
    if (!this.input) this.learnSchema(batch.schema);
    const keys = keysReader(batch, this.keys, `window "${this.id}"`, this);
    const times = timeColumnMs(batch, this.time);
    const fold = this.folder.prepare(batch);
    const late: number[] = [];
    const refire = new Set<LiveEntry>();
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
      let accepted: boolean;
      if (session) accepted = this.addToSession(keys, ks, t, r, fold, refire);
      else if (tumblingSize) {
        const start = windowStart(t, tumblingSize, tumblingOffset);
        accepted = this.addToWindow(keys, ks, start, start + tumblingSize, t, r, fold, refire);
      } else {
        accepted = false;
        for (const w of assignWindows(this.spec, t, this.tmp)) accepted = this.addToWindow(keys, ks, w.start, w.end, t, r, fold, refire) || accepted;
      }
      if (!accepted) late.push(r);
    }
    if (late.length > 0) emit('late', takeRows(batch, Uint32Array.from(late)));
    if (refire.size > 0) this.emitResults([...refire].filter((e) => e.live), emit);
  }

  /** Folds row `r` into its key's window `[start, end)`; false when the window is past its lateness. */
  private addToWindow(keys: KeyReader, ks: string, start: number, end: number, t: number, r: number, fold: Fold, refire: Set<LiveEntry>): boolean {
    const maxTs = end - 1;
    if (maxTs + this.lateness <= this.wm) return false;
    let windows = this.byKey.get(ks);
    if (!windows) {
      windows = new Map();
      this.byKey.set(ks, windows);
    }
    let entry = windows.get(start);
    if (!entry) {
      entry = this.create(windows, { k: keys.value(r), s: start, e: end, a: this.folder.init(), f: 0 }, ks);
      this.fireQ.add(maxTs, entry);
      this.cleanQ.add(maxTs + this.lateness, entry);
    }
    fold(entry.a, r, t);
    this.touch(entry);
    if (entry.f === 1 || maxTs <= this.wm) {
      entry.f = 1; // fired before, or a late event for a window whose time has passed: fire (again) now
      refire.add(entry);
    }
    return true;
  }

  private addToSession(keys: KeyReader, ks: string, t: number, r: number, fold: Fold, refire: Set<LiveEntry>): boolean {
    const gap = (this.spec as { gap: number }).gap;
    let start = t;
    let end = t + gap;
    const open = this.byKey.get(ks);
    const overlapping: LiveEntry[] = [];
    if (open) {
      for (const e of open.values()) if (e.s <= end && e.e >= start) overlapping.push(e);
      for (const e of overlapping) {
        start = Math.min(start, e.s);
        end = Math.max(end, e.e);
      }
    }
    const maxTs = end - 1;
    if (maxTs + this.lateness <= this.wm) return false;
    let accs = this.folder.init();
    for (const e of overlapping) {
      accs = this.folder.merge(accs, e.a);
      this.remove(e);
    }
    let windows = this.byKey.get(ks);
    if (!windows) {
      windows = new Map();
      this.byKey.set(ks, windows);
    }
    const entry = this.create(windows, { k: keys.value(r), s: start, e: end, a: accs, f: 0 }, ks);
    fold(entry.a, r, t);
    this.touch(entry);
    if (maxTs <= this.wm) {
      entry.f = 1;
      refire.add(entry);
    } else {
      this.fireQ.add(maxTs, entry);
    }
    this.cleanQ.add(maxTs + this.lateness, entry);
    return true;
  }

  private create(windows: Map<number, LiveEntry>, data: WindowEntry, ks: string): LiveEntry {
    const entry: LiveEntry = { ...data, ks, live: true, d: 0 };
    windows.set(entry.s, entry);
    this.count++;
    if (this.deleted.size > 0) this.deleted.delete(stateKey(entry));
    return entry;
  }

  /** Marks an entry changed since the last snapshot. */
  private touch(entry: LiveEntry) {
    if (entry.d === this.epoch) return;
    entry.d = this.epoch;
    this.changed.push(entry);
  }

  private remove(entry: LiveEntry) {
    if (!entry.live) return;
    entry.live = false;
    const windows = this.byKey.get(entry.ks)!;
    windows.delete(entry.s);
    if (windows.size === 0) this.byKey.delete(entry.ks);
    this.count--;
    this.deleted.add(stateKey(entry));
  }

  onWatermark(wm: number, emit: Emit): void {
    if (wm <= this.wm) return;
    this.wm = wm;
    const fired: LiveEntry[] = [];
    for (const [time, due] of this.fireQ.popUntil(wm)) {
      for (const e of due) {
        if (!e.live || e.f === 1 || e.e - 1 !== time) continue;
        e.f = 1;
        this.touch(e);
        fired.push(e);
      }
    }
    if (fired.length > 0) this.emitResults(fired, emit);
    for (const [time, due] of this.cleanQ.popUntil(wm)) {
      for (const e of due) if (e.live && e.e - 1 + this.lateness === time) this.remove(e);
    }
  }

  private emitResults(entries: WindowEntry[], emit: Emit) {
    const single = this.keys.length === 1 ? this.keys[0] : undefined;
    const rows = entries.map((e) => ({
      ...(single !== undefined ? { [single]: e.k } : Object.fromEntries(this.keys.map((k, i) => [k, (e.k as unknown[])[i]]))),
      window_start: e.s, window_end: e.e, ...this.folder.result(e.a),
    }));
    const schema = this.outputSchema() ?? inferSchema(rows);
    emit('out', rowsToBatch(rows, schema));
  }

  private outputSchema(): Schema | undefined {
    if (!this.output && this.input) this.output = this.folder.outputSchema(this.input, this.keys);
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
    for (const e of this.changed) {
      if (e.live) delta.puts.push([this.id, stateKey(e), { k: e.k, s: e.s, e: e.e, a: e.a, f: e.f } satisfies WindowEntry]);
    }
    for (const sk of this.deleted) delta.deletes.push([this.id, sk]);
    this.changed = [];
    this.deleted.clear();
    this.epoch++;
  }

  restore(entries: Iterable<[string, unknown]>): void {
    for (const [sk, value] of entries) {
      if (sk === SCHEMA_KEY) {
        this.input = schemaFromSpec(value as Record<string, never>);
        this.folder.bind(this.input);
        continue;
      }
      const ks = sk.slice(0, sk.lastIndexOf('\u0001'));
      let windows = this.byKey.get(ks);
      if (!windows) {
        windows = new Map();
        this.byKey.set(ks, windows);
      }
      const e = this.create(windows, value as WindowEntry, ks);
      if (e.f === 0) this.fireQ.add(e.e - 1, e);
      this.cleanQ.add(e.e - 1 + this.lateness, e);
    }
  }

  stateSize(): number { return this.count; }
}

/** The key of a window in the state store: `<key id>\u0001<start>`. */
function stateKey(e: LiveEntry): string {
  return e.ks + '\u0001' + e.s;
}
