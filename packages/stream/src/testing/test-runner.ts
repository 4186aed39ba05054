import type { RecordBatch, Schema } from 'apache-arrow';
import type { StreamApp } from '../app.js';
import { batchToRows, inferSchema, rowsToBatch, type Row } from '../arrow-rows.js';
import { Engine } from '../runtime/engine.js';
import { MemoryStateStore } from '../state/memory-store.js';

type Step = { kind: 'batch'; batch: RecordBatch } | { kind: 'watermark'; wm: number } | { kind: 'end' };

/**
 * Runs a stream app deterministically, without connectors or wall clock: a test pushes rows
 * into sources with chosen event times, sets watermarks or lets them follow the events,
 * advances a virtual clock, and reads what each sink received. `checkpoint()` and `crash()`
 * exercise recovery: after a crash the app restarts from the last checkpoint and the runner
 * replays what the sources produced since, as a broker would.
 */
export class TestRunner {
  private engine!: Engine;
  private readonly store = new MemoryStateStore();
  private readonly log = new Map<string, Step[]>();
  private readonly done = new Map<string, number>();
  private readonly schemas = new Map<string, Schema>();
  private readonly outputs = new Map<string, Row[]>();
  private checkpoints = 0;
  /** The virtual clock (epoch ms), used for idle timeouts. */
  now: number;

  constructor(readonly app: StreamApp, options: { now?: number } = {}) {
    const mod = app.nodes.find((n) => n.kind === 'operator' && n.op.kind === 'module');
    if (mod) throw new Error(`"${mod.id}" runs a module, which is asynchronous: test the app with runStream (e.g. memorySource → collectSink), or the module with @pypeline/sdk/testing`);
    this.now = options.now ?? 0;
    for (const s of app.nodes) if (s.kind === 'source') {
      this.log.set(s.id, []);
      this.done.set(s.id, 0);
    }
    this.start();
  }

  private start() {
    this.engine = new Engine(this.app, (sinkId, batch) => {
      if (!this.outputs.has(sinkId)) this.outputs.set(sinkId, []);
      this.outputs.get(sinkId)!.push(...batchToRows(batch));
    });
    const cp = this.store.current();
    if (cp) this.engine.restore(this.store, cp.watermarks);
  }

  private source(id: string): Step[] {
    const steps = this.log.get(id);
    if (!steps) throw new Error(`no source "${id}" in app "${this.app.name}" (sources: ${[...this.log.keys()].join(', ')})`);
    return steps;
  }

  private apply(id: string, step: Step) {
    if (step.kind === 'batch') this.engine.push(id, step.batch, this.now);
    else if (step.kind === 'watermark') this.engine.watermark(id, step.wm);
    else this.engine.end(id);
    this.done.set(id, this.done.get(id)! + 1);
  }

  /** Feeds rows (or a batch) into source `id`; its watermark follows the largest event time. */
  push(id: string, rows: Row[] | RecordBatch): this {
    const steps = this.source(id);
    let batch: RecordBatch;
    if (Array.isArray(rows)) {
      if (rows.length === 0) return this;
      if (!this.schemas.has(id)) this.schemas.set(id, inferSchema(rows));
      batch = rowsToBatch(rows, this.schemas.get(id)!);
    } else batch = rows;
    const step: Step = { kind: 'batch', batch };
    steps.push(step);
    this.apply(id, step);
    return this;
  }

  /** Sets source `id`'s watermark: no events at or before `t` are expected any more. */
  watermark(id: string, t: number): this {
    const step: Step = { kind: 'watermark', wm: t };
    this.source(id).push(step);
    this.apply(id, step);
    return this;
  }

  /** Ends source `id` (or all sources): every window closes. */
  end(id?: string): this {
    for (const s of id ? [id] : [...this.log.keys()]) {
      const step: Step = { kind: 'end' };
      this.source(s).push(step);
      this.apply(s, step);
    }
    return this;
  }

  /** Advances the virtual clock; sources with `idleTimeout` advance their watermarks. */
  advanceTime(ms: number): this {
    this.now += ms;
    this.engine.idle(this.now);
    return this;
  }

  /** Everything sink `id` received, in order. */
  output(id: string): Row[] {
    if (!this.app.nodes.some((n) => n.kind === 'sink' && n.id === id)) throw new Error(`no sink "${id}" in app "${this.app.name}"`);
    return this.outputs.get(id) ?? [];
  }

  /** Keyed state entries an operator holds now (e.g. open windows). */
  stateSize(node: string): number {
    return this.engine.metrics().find((m) => m.id === node)?.stateEntries ?? 0;
  }

  /** Takes a checkpoint (state + source positions); returns its id. */
  async checkpoint(): Promise<number> {
    const id = ++this.checkpoints;
    const positions = Object.fromEntries(this.done);
    await this.store.stage({ meta: { id, positions, time: this.now, topology: this.app.topology(), watermarks: this.engine.watermarks() }, delta: this.engine.snapshot() });
    await this.store.applyStaged();
    return id;
  }

  /**
   * Simulates a crash and restart: operator state not in the last checkpoint is lost, the app
   * restores from it, and each source replays its input after the checkpointed position.
   * Sink outputs are kept (like an at-least-once sink), so replayed results appear twice.
   */
  crash(): this {
    const cp = this.store.current();
    this.start();
    for (const [id, steps] of this.log) {
      const from = (cp?.positions[id] as number | undefined) ?? 0;
      this.done.set(id, from);
      for (const step of steps.slice(from)) this.apply(id, step);
    }
    return this;
  }
}
