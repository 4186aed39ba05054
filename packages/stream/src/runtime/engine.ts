import type { RecordBatch } from 'apache-arrow';
import type { GraphNode, StreamApp } from '../app.js';
import type { StreamLogger } from '../connector.js';
import { timeColumnMs } from '../arrow-rows.js';
import { toMs } from '../duration.js';
import type { Emit, Operator, Port } from '../operators/operator.js';
import { deriveOperator, filterOperator, mapBatchesOperator, mapRowsOperator, selectOperator } from '../operators/stateless.js';
import { WindowJoinOperator } from '../operators/window-join.js';
import { moduleOperator } from '../operators/module-operator.js';
import { WindowOperator, aggregateFolder, reduceFolder } from '../operators/window-operator.js';
import type { StateDelta, StateStore } from '../state/state-store.js';

interface Edge { child: RuntimeNode; input: number; port: Port }

interface RuntimeNode {
  spec: GraphNode;
  op?: Operator;
  children: Edge[];
  inputWms: number[];
  wm: number;
  rowsIn: number;
  rowsOut: number;
  lateRows: number;
  /** sources: largest event time seen */
  maxTs: number;
  outOfOrder: number;
  lastInput: number;
}

/** Counters of one node, for `pype inspect` and run summaries. */
export interface NodeMetrics {
  id: string;
  kind: 'source' | 'operator' | 'sink';
  type: string;
  inputs: string[];
  rowsIn: number;
  rowsOut: number;
  lateRows: number;
  /** Event-time watermark (epoch ms); null before the first. */
  watermark: number | null;
  stateEntries: number;
}

/** Wraps an error with the node it happened in (once). */
export class NodeError extends Error {
  constructor(readonly node: string, override readonly cause: unknown) {
    super(`${node}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function makeOperator(node: Extract<GraphNode, { kind: 'operator' }>, log?: StreamLogger): Operator {
  const { id, op } = node;
  switch (op.kind) {
    case 'filter': return filterOperator(id, op.condition);
    case 'derive': return deriveOperator(id, op.columns);
    case 'select': return selectOperator(id, op.columns);
    case 'mapRows': return mapRowsOperator(id, op.fn, op.schema);
    case 'mapBatches': return mapBatchesOperator(id, op.fn);
    case 'windowAggregate': return new WindowOperator(id, op.keys, op.time, op.window, op.allowedLateness, aggregateFolder(op.aggregates));
    case 'windowReduce': return new WindowOperator(id, op.keys, op.time, op.window, op.allowedLateness, reduceFolder(op.reduce, op.initial, op.merge));
    case 'windowJoin': return new WindowJoinOperator(id, op.keys, op.times, op.window, op.allowedLateness);
    case 'module': return moduleOperator(id, op.definition, op.config, op.ports, log);
  }
}

/**
 * The synchronous core shared by the real runner and the deterministic test runner: routes
 * batches through operators, tracks event time and watermarks, hands batches to sinks through
 * `write` (whose promises are collected for backpressure), snapshots and restores state.
 */
export class Engine {
  readonly nodes = new Map<string, RuntimeNode>();
  private pending: Array<Promise<void>> = [];

  constructor(readonly app: StreamApp, private readonly write: (sinkId: string, batch: RecordBatch) => Promise<void> | void, log?: StreamLogger) {
    if (!app.nodes.some((n) => n.kind === 'source')) throw new Error(`stream app "${app.name}" has no source`);
    if (!app.nodes.some((n) => n.kind === 'sink')) throw new Error(`stream app "${app.name}" has no sink: end a stream with .to(sink)`);
    for (const spec of app.nodes) {
      this.nodes.set(spec.id, {
        spec,
        op: spec.kind === 'operator' ? makeOperator(spec, log) : undefined,
        children: [],
        inputWms: spec.inputs.map(() => -Infinity),
        wm: -Infinity,
        rowsIn: 0, rowsOut: 0, lateRows: 0,
        maxTs: -Infinity,
        outOfOrder: spec.kind === 'source' ? toMs(spec.options.maxOutOfOrder ?? 0) : 0,
        lastInput: 0,
      });
    }
    for (const spec of app.nodes) {
      spec.inputs.forEach((input, i) => {
        const parent = this.nodes.get(input.node);
        if (!parent) throw new Error(`node "${spec.id}" reads from unknown node "${input.node}"`);
        parent.children.push({ child: this.nodes.get(spec.id)!, input: i, port: input.port });
      });
    }
    const dangling = [...this.nodes.values()].filter((n) => n.spec.kind !== 'sink' && n.children.length === 0);
    if (dangling.length > 0) throw new Error(`stream app "${app.name}": the output of "${dangling[0].spec.id}" goes nowhere; end it with .to(sink)`);
  }

  sources(): Array<Extract<GraphNode, { kind: 'source' }>> {
    return this.app.nodes.filter((n): n is Extract<GraphNode, { kind: 'source' }> => n.kind === 'source');
  }

  sinks(): Array<Extract<GraphNode, { kind: 'sink' }>> {
    return this.app.nodes.filter((n): n is Extract<GraphNode, { kind: 'sink' }> => n.kind === 'sink');
  }

  /**
   * A batch from source `id`: routes it, advancing the source's watermark from its event times.
   * The watermark advances per event: an event is late by the watermark the events before it set,
   * whatever batch they came in. So a batch is cut before each event that falls at or behind the
   * watermark its own earlier events raised (none in a stream that arrives in order), and the
   * watermark advances between the parts; which events are late does not depend on how the broker
   * batched them.
   */
  push(id: string, batch: RecordBatch, now = Date.now()): void {
    const node = this.nodes.get(id)!;
    if (batch.numRows === 0) return;
    node.rowsOut += batch.numRows;
    node.lastInput = now;
    const timeCol = node.spec.kind === 'source' ? node.spec.options.eventTime : undefined;
    if (!timeCol) {
      this.deliver(node, 'out', batch);
      return;
    }
    let times: Float64Array;
    try {
      times = timeColumnMs(batch, timeCol);
    } catch (e) {
      throw new NodeError(id, e);
    }
    const lag = node.outOfOrder + 1;
    let max = node.maxTs;
    let from = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      if (t > max) max = t;
      else if (t <= max - lag && max - lag > node.wm) {
        // Behind the watermark the events before it raised: they go first, then the watermark.
        this.deliver(node, 'out', batch.slice(from, i));
        this.advance(node, max - lag);
        from = i;
      }
    }
    node.maxTs = max;
    this.deliver(node, 'out', from === 0 ? batch : batch.slice(from));
    if (max - lag > node.wm) this.advance(node, max - lag);
  }

  /** Sets a source's watermark explicitly (never backwards). */
  watermark(id: string, wm: number): void {
    const node = this.nodes.get(id)!;
    if (wm > node.wm) this.advance(node, wm);
  }

  /** A bounded source ended: its watermark goes to +∞, closing every window it feeds. */
  end(id: string): void {
    this.watermark(id, Infinity);
  }

  /** Advances idle sources' watermarks with the clock (sources with `idleTimeout`). */
  idle(now: number): void {
    for (const s of this.sources()) {
      if (s.options.idleTimeout === undefined || !s.options.eventTime) continue;
      const node = this.nodes.get(s.id)!;
      if (now - node.lastInput < toMs(s.options.idleTimeout)) continue;
      this.watermark(s.id, now - node.outOfOrder - 1);
    }
  }

  /** Waits for every sink write handed out so far. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await Promise.all(batch);
    }
  }

  private deliver(node: RuntimeNode, port: Port, batch: RecordBatch): void {
    for (const edge of node.children) {
      if (edge.port !== port) continue;
      const child = edge.child;
      child.rowsIn += batch.numRows;
      if (child.spec.kind === 'sink') {
        child.rowsOut += batch.numRows;
        let result: Promise<void> | void;
        try {
          result = this.write(child.spec.id, batch);
        } catch (e) {
          throw e instanceof NodeError ? e : new NodeError(child.spec.id, e);
        }
        if (result) this.pending.push(result.catch((e: unknown) => { throw e instanceof NodeError ? e : new NodeError(child.spec.id, e); }));
        continue;
      }
      let result: void | Promise<void>;
      try {
        result = child.op!.process(batch, edge.input, this.emitter(child));
      } catch (e) {
        throw e instanceof NodeError ? e : new NodeError(child.spec.id, e);
      }
      if (result) this.pending.push(result.catch((e: unknown) => { throw e instanceof NodeError ? e : new NodeError(child.spec.id, e); }));
    }
  }

  private emitter(node: RuntimeNode): Emit {
    return (port, out) => {
      if (port === 'late') node.lateRows += out.numRows;
      else node.rowsOut += out.numRows;
      this.deliver(node, port, out);
    };
  }

  private advance(node: RuntimeNode, wm: number): void {
    node.wm = wm;
    for (const edge of node.children) {
      const child = edge.child;
      child.inputWms[edge.input] = Math.max(child.inputWms[edge.input], wm);
      const next = Math.min(...child.inputWms);
      if (next <= child.wm) continue;
      if (child.op?.idle) {
        // An asynchronous operator may still hold batches: the watermark follows its output.
        this.pending.push(child.op.idle().then(() => {
          const now = Math.min(...child.inputWms);
          if (now > child.wm) this.advance(child, now);
        }));
        continue;
      }
      if (child.op?.onWatermark) {
        try {
          child.op.onWatermark(next, this.emitter(child));
        } catch (e) {
          throw e instanceof NodeError ? e : new NodeError(child.spec.id, e);
        }
      }
      this.advance(child, next);
    }
  }

  /** Operators with a lifecycle (modules): opened before the first batch, closed at the stop. */
  operators(): Operator[] {
    return [...this.nodes.values()].flatMap((n) => (n.op ? [n.op] : []));
  }

  /** State changed since the last snapshot. */
  snapshot(): StateDelta {
    const delta: StateDelta = { puts: [], deletes: [], trims: {} };
    for (const node of this.nodes.values()) node.op?.snapshot?.(delta);
    return delta;
  }

  /** Loads operator state and source watermarks from the store's current checkpoint. */
  restore(store: StateStore, watermarks: Record<string, number>): void {
    for (const node of this.nodes.values()) node.op?.restore?.(store.entries(node.spec.id));
    for (const [id, wm] of Object.entries(watermarks)) {
      const node = this.nodes.get(id);
      if (node && wm !== null && wm > node.wm) {
        node.maxTs = wm + node.outOfOrder + 1;
        this.advance(node, wm);
      }
    }
  }

  watermarks(): Record<string, number> {
    return Object.fromEntries(this.sources().map((s) => [s.id, this.nodes.get(s.id)!.wm]));
  }

  metrics(): NodeMetrics[] {
    return [...this.nodes.values()].map((n) => ({
      id: n.spec.id,
      kind: n.spec.kind,
      type: n.spec.kind === 'operator' ? n.spec.op.kind : n.spec.connector.kind,
      inputs: n.spec.inputs.map((i) => (i.port === 'out' ? i.node : `${i.node}.${i.port}`)),
      rowsIn: n.rowsIn,
      rowsOut: n.rowsOut,
      lateRows: n.lateRows,
      watermark: Number.isFinite(n.wm) ? n.wm : n.wm === Infinity ? Number.MAX_SAFE_INTEGER : null,
      stateEntries: n.op?.stateSize?.() ?? 0,
    }));
  }
}
