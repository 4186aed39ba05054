import type { RecordBatch } from 'apache-arrow';
import { toAggregates, type Aggregate } from './aggregates.js';
import type { Row, SchemaSpec } from './arrow-rows.js';
import type { StreamSink, StreamSource } from './connector.js';
import { toMs, type Duration } from './duration.js';
import type { WindowSpec } from './windows.js';
import type { ModuleDefinition, AnyModuleDefinition } from '@pypeline/sdk';
import { modulePorts, type ModulePorts } from './operators/module-operator.js';

export interface SourceOptions {
  /** Column holding each event's time (timestamp, epoch ms number, or ISO text). Needed for windows. */
  eventTime?: string;
  /** How far out of order events may arrive: the watermark trails the largest event time by this much. Default 0. */
  maxOutOfOrder?: Duration;
  /**
   * When the source has been silent this long (processing time), its watermark advances with the
   * wall clock (now − maxOutOfOrder) so windows close without new events. Off by default: it
   * assumes event times are close to the wall clock.
   */
  idleTimeout?: Duration;
}

export interface WindowOptions {
  /** How long after a window fires late events still update it (each update fires again). Default 0. */
  allowedLateness?: Duration;
}

export type OperatorSpec =
  | { kind: 'filter'; condition: string | ((row: Row) => boolean) }
  | { kind: 'derive'; columns: Record<string, string> }
  | { kind: 'select'; columns: string[] }
  | { kind: 'mapRows'; fn: (row: Row) => Row | Row[] | null | undefined; schema?: SchemaSpec }
  | { kind: 'mapBatches'; fn: (batch: RecordBatch) => RecordBatch | null | undefined }
  | { kind: 'windowAggregate'; keys: string[]; time: string; window: WindowSpec; allowedLateness: number; aggregates: Record<string, Aggregate> }
  | { kind: 'windowReduce'; keys: string[]; time: string; window: WindowSpec; allowedLateness: number; reduce: (acc: unknown, row: Row) => unknown; initial: unknown; merge?: (a: unknown, b: unknown) => unknown }
  | { kind: 'module'; definition: AnyModuleDefinition; config: Record<string, unknown>; ports: ModulePorts }
  | { kind: 'windowJoin'; keys: [string, string]; times: [string, string]; window: WindowSpec; allowedLateness: number };

export type GraphNode =
  | { id: string; kind: 'source'; connector: StreamSource; options: SourceOptions; inputs: [] }
  | { id: string; kind: 'operator'; op: OperatorSpec; inputs: NodeInput[] }
  | { id: string; kind: 'sink'; connector: StreamSink; inputs: NodeInput[] };

/** An edge: the output port of an upstream node. Window operators have a `late` port. */
export interface NodeInput { node: string; port: 'out' | 'late' }

export interface AppOptions {
  /** How often a checkpoint is taken. Default 10s. */
  checkpointInterval?: Duration;
}

/** A stream application: a graph of sources, operators and sinks. Build it with `streamApp()`. */
export class StreamApp {
  readonly nodes: GraphNode[] = [];
  private counters = new Map<string, number>();
  constructor(readonly name: string, readonly options: AppOptions = {}) {
    // Lets `pype run` recognise an app without loading this package (see isStreamApp).
    Object.defineProperty(this, Symbol.for('pypeline.stream-app'), { value: true });
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`stream app name "${name}" may contain only letters, digits, "_", "." and "-"`);
  }

  /** Adds a source; `id` names it in checkpoints, logs and `pype inspect`. */
  source(id: string, connector: StreamSource, options: SourceOptions = {}): Stream {
    this.checkId(id);
    if (options.maxOutOfOrder !== undefined) toMs(options.maxOutOfOrder, `source "${id}" maxOutOfOrder`);
    if (options.idleTimeout !== undefined) toMs(options.idleTimeout, `source "${id}" idleTimeout`);
    this.nodes.push({ id, kind: 'source', connector, options, inputs: [] });
    return new Stream(this, { node: id, port: 'out' }, options.eventTime);
  }

  /** @internal */
  nextId(kind: string, name?: string): string {
    if (name) {
      this.checkId(name);
      return name;
    }
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    let id = `${kind}_${n}`;
    while (this.nodes.some((x) => x.id === id)) id += '_';
    return id;
  }

  /** @internal */
  add(node: GraphNode): void { this.nodes.push(node); }

  node(id: string): GraphNode | undefined { return this.nodes.find((n) => n.id === id); }

  private checkId(id: string) {
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new Error(`"${id}" is not a valid node id (letters, digits, "_", "." and "-")`);
    if (this.nodes.some((n) => n.id === id)) throw new Error(`node id "${id}" is used twice in app "${this.name}"`);
  }

  /**
   * A fingerprint of what checkpoints depend on (node ids and edges, source kinds, keyed
   * operators' keys, windows and aggregates); state from another topology is refused. Sinks
   * may change freely.
   */
  topology(): string {
    // One key column is written as before multi-column keys existed, so older checkpoints still match.
    const keyOf = (op: OperatorSpec) => (op.kind === 'windowAggregate' || op.kind === 'windowReduce' ? { key: op.keys.length === 1 ? op.keys[0] : op.keys } : {});
    return JSON.stringify(this.nodes.map((n) => ({
      id: n.id, kind: n.kind, inputs: n.inputs,
      what: n.kind === 'sink' ? undefined : n.kind === 'operator' ? { kind: n.op.kind, ...keyOf(n.op), ...('window' in n.op ? { window: n.op.window } : {}), ...('aggregates' in n.op ? { aggregates: n.op.aggregates } : {}) } : n.connector.kind,
    })));
  }
}

/** True for a stream app, even one built with another copy of this package. */
export function isStreamApp(value: unknown): value is StreamApp {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[Symbol.for('pypeline.stream-app')] === true;
}

/** Starts a stream app. */
export function streamApp(name: string, options: AppOptions = {}): StreamApp {
  return new StreamApp(name, options);
}

export interface NameOption { /** Node id (default `<kind>_<n>`). Keep ids stable: checkpoints are keyed by them. */ name?: string }

/** A stream of record batches. Every method adds a node and returns the new stream. */
export class Stream {
  constructor(readonly app: StreamApp, readonly from: NodeInput, readonly timeColumn: string | undefined) {}

  protected op(kind: string, op: OperatorSpec, opts: NameOption = {}): string {
    const id = this.app.nextId(kind, opts.name);
    this.app.add({ id, kind: 'operator', op, inputs: [this.from] });
    return id;
  }

  /** Keeps the rows where `condition` is true: an expression (`amount > 0 and country = 'FR'`) or a row function. */
  filter(condition: string | ((row: Row) => boolean), opts?: NameOption): Stream {
    return new Stream(this.app, { node: this.op('filter', { kind: 'filter', condition }, opts), port: 'out' }, this.timeColumn);
  }

  /** Adds or replaces columns computed by expressions: `{ total: 'price * qty' }`. */
  map(columns: Record<string, string>, opts?: NameOption): Stream {
    return new Stream(this.app, { node: this.op('map', { kind: 'derive', columns }, opts), port: 'out' }, this.timeColumn);
  }

  /** Keeps only `columns`, in that order. */
  select(columns: string[], opts?: NameOption): Stream {
    return new Stream(this.app, { node: this.op('select', { kind: 'select', columns }, opts), port: 'out' }, this.timeColumn && columns.includes(this.timeColumn) ? this.timeColumn : undefined);
  }

  /**
   * A function per row (returns a row, several rows, or null to drop). Slower than `map` and
   * `filter`, which run vectorised. Declare `schema` for stable output types.
   */
  mapRows(fn: (row: Row) => Row | Row[] | null | undefined, opts: NameOption & { schema?: SchemaSpec } = {}): Stream {
    return new Stream(this.app, { node: this.op('map_rows', { kind: 'mapRows', fn, schema: opts.schema }, opts), port: 'out' }, this.timeColumn);
  }

  /** A function per record batch (return null to drop the batch). */
  mapBatches(fn: (batch: RecordBatch) => RecordBatch | null | undefined, opts?: NameOption): Stream {
    return new Stream(this.app, { node: this.op('map_batches', { kind: 'mapBatches', fn }, opts), port: 'out' }, this.timeColumn);
  }

  /**
   * Runs a batch module (type `mod`, e.g. `@pypeline/mod-derive-mod`) on every record batch:
   * its `run` gets the batch as its input artifact, and its output continues the stream.
   * `config` is the module's config, as in a flow (no templates). Runs in `runStream` only.
   */
  module<C>(definition: ModuleDefinition<C>, config: C, opts: NameOption & Partial<ModulePorts> = {}): Stream {
    const def = definition as AnyModuleDefinition;
    const ports = modulePorts(def, opts);
    if (typeof ports === 'string') throw new Error(ports);
    return new Stream(this.app, { node: this.op(def.name, { kind: 'module', definition: def, config: config as Record<string, unknown>, ports }, opts), port: 'out' }, this.timeColumn);
  }

  /**
   * Partitions the stream by the value of `column` (or of several columns, as group_by does):
   * windows and aggregates then work per key; joins take one key column per side.
   * An empty list makes one key for every event.
   */
  keyBy(columns: string | string[]): KeyedStream {
    return new KeyedStream(this.app, this.from, this.timeColumn, typeof columns === 'string' ? [columns] : [...columns]);
  }

  /** Sends the stream to a sink. */
  to(sink: StreamSink, opts: NameOption = {}): void {
    const id = this.app.nextId('sink', opts.name);
    this.app.add({ id, kind: 'sink', connector: sink, inputs: [this.from] });
  }
}

export class KeyedStream {
  constructor(readonly app: StreamApp, readonly from: NodeInput, readonly timeColumn: string | undefined, readonly keys: string[]) {}

  /** Groups each key's events into event-time windows: `tumbling('1m')`, `sliding('1m', '10s')`, `session('30s')`. */
  window(spec: WindowSpec, options: WindowOptions = {}): WindowedStream {
    if (!this.timeColumn) throw new Error(`window on key ${this.keys.map((k) => `"${k}"`).join(', ') || '(none)'} needs event time: declare { eventTime: '<column>' } on the source`);
    return new WindowedStream(this, spec, toMs(options.allowedLateness ?? 0, 'allowedLateness'));
  }

  /**
   * Joins with another keyed stream: rows of both sides with equal keys in the same window,
   * emitted when the window closes. Columns of the right side whose names clash get a `right_` prefix.
   */
  join(other: KeyedStream, options: { window: WindowSpec; allowedLateness?: Duration } & NameOption): WindowResult {
    if (other.app !== this.app) throw new Error('join: both streams must belong to the same app');
    if (!this.timeColumn || !other.timeColumn) throw new Error('join needs event time on both sides: declare { eventTime: \'<column>\' } on their sources');
    if (options.window.kind === 'session') throw new Error('join: session windows are not supported; use tumbling() or sliding()');
    const several = [this.keys, other.keys].find((k) => k.length !== 1);
    if (several) throw new Error(`join: key each side by one column, e.g. keyBy('id') (not ${several.length === 0 ? 'none' : several.join(', ')}); joins on several columns are not supported`);
    const id = this.app.nextId('join', options.name);
    this.app.add({
      id, kind: 'operator', inputs: [this.from, other.from],
      op: { kind: 'windowJoin', keys: [this.keys[0], other.keys[0]], times: [this.timeColumn, other.timeColumn], window: options.window, allowedLateness: toMs(options.allowedLateness ?? 0, 'allowedLateness') },
    });
    return new WindowResult(this.app, id);
  }
}

export class WindowedStream {
  constructor(readonly keyed: KeyedStream, readonly spec: WindowSpec, readonly allowedLateness: number) {}

  /**
   * Named aggregates per key and window: `{ n: count(), total: sum('amount') }`, or as text
   * in aggregate_mod's syntax: `{ n: 'count(*)', total: 'sum(amount)' }`.
   */
  aggregate(aggregates: Record<string, Aggregate | string>, opts: NameOption = {}): WindowResult {
    const reserved = [...this.keyed.keys, 'window_start', 'window_end'].filter((c) => c in aggregates);
    if (reserved.length > 0) throw new Error(`aggregate: output name "${reserved[0]}" clashes with a ${this.keyed.keys.includes(reserved[0]) ? 'key' : 'window'} column; rename it`);
    if (Object.keys(aggregates).length === 0) throw new Error('aggregate: name at least one aggregate, e.g. { n: count() }');
    const { app, from, keys } = this.keyed;
    const parsed = toAggregates(aggregates);
    const id = app.nextId('window', opts.name);
    app.add({ id, kind: 'operator', inputs: [from], op: { kind: 'windowAggregate', keys, time: this.keyed.timeColumn!, window: this.spec, allowedLateness: this.allowedLateness, aggregates: parsed } });
    return new WindowResult(app, id);
  }

  /**
   * Folds each key's window with a function over rows. The result column is `value`, or the
   * fields of the accumulator when it is an object. Session windows also need `merge`.
   */
  reduce<A>(fn: (acc: A, row: Row) => A, initial: A, opts: NameOption & { merge?: (a: A, b: A) => A } = {}): WindowResult {
    if (this.spec.kind === 'session' && !opts.merge) throw new Error('reduce over session windows needs { merge: (a, b) => … } to combine sessions that meet');
    const { app, from, keys } = this.keyed;
    const id = app.nextId('window', opts.name);
    app.add({
      id, kind: 'operator', inputs: [from],
      op: { kind: 'windowReduce', keys, time: this.keyed.timeColumn!, window: this.spec, allowedLateness: this.allowedLateness, reduce: fn as (a: unknown, r: Row) => unknown, initial, merge: opts.merge as ((a: unknown, b: unknown) => unknown) | undefined },
    });
    return new WindowResult(app, id);
  }
}

/** The results of a window: one row per key and window, with `window_start` and `window_end`. */
export class WindowResult extends Stream {
  constructor(app: StreamApp, readonly windowNode: string) {
    super(app, { node: windowNode, port: 'out' }, 'window_start');
  }
  /** Events that arrived after their windows closed (past the allowed lateness), unchanged. */
  late(): Stream {
    return new Stream(this.app, { node: this.windowNode, port: 'late' }, undefined);
  }
}
