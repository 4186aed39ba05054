import { SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { loadJob, type PypeEvent } from '@pypeline/core';

/**
 * Which events a RunSpans turns into spans:
 * - `run`: everything (a local run: the run, its sub flows and modules in this process);
 * - `coordinator`: the run and what the scheduler itself reports (skipped and restored sub
 *   flows); its sub flows and modules run on workers, whose events come back only as copies;
 * - `task`: one sub flow on a worker and its modules, children of the coordinator's run span.
 */
export type SpanScope = 'run' | 'coordinator' | 'task';

export interface RunSpansOptions {
  tracer: Tracer;
  /** `run` becomes `coordinator` when the run hands its first task to a worker (`distributed()`). */
  scope: SpanScope;
  /** The context spans start under: the root, `TRACEPARENT`'s, or a task's traceparent. */
  parent: Context;
  /** A task's job name and folder (a run reads them from `run.started`). */
  job?: string;
  jobDir?: string;
  /** The run a task belongs to. */
  runId?: string;
}

interface ModuleSpan {
  span: Span;
  attempts: number;
}

/** What a span's status says, beside OpenTelemetry's OK/ERROR. */
type Outcome = 'success' | 'failed' | 'skipped' | 'cached' | 'restored' | 'cancelled';

/**
 * Spans of one run (or one worker task) from its engine events: a span per run, per sub flow
 * (and loop frame) and per module node (all its attempts), timed by the events' clocks.
 * Attribute names are listed in docs/operations.md ("Traces").
 */
export class RunSpans {
  private run: Span | undefined;
  private job: string | undefined;
  private jobDir: string | undefined;
  private nodes: Record<string, { package: string; version: string }> | undefined;
  private readonly subflows = new Map<string, Span>();
  private readonly modules = new Map<string, ModuleSpan>();
  private scope: SpanScope;

  constructor(private readonly options: RunSpansOptions) {
    this.job = options.job;
    this.jobDir = options.jobDir;
    this.scope = options.scope;
  }

  /**
   * The run's sub flows go to workers, which trace them: from now on the events of sub flows and
   * modules are the workers' copies, and this process traces the run alone. (A distributed run
   * sends every sub flow to a worker, so none started here before.)
   */
  distributed(): void {
    if (this.scope === 'run') this.scope = 'coordinator';
  }

  /** The context a run's children (on this process or a worker) start under. */
  get context(): Context {
    return this.run ? trace.setSpan(this.options.parent, this.run) : this.options.parent;
  }

  readonly onEvent = (e: PypeEvent): void => {
    if (this.scope !== 'task' && this.onRunEvent(e)) return;
    if (this.scope !== 'coordinator') this.onWorkEvent(e);
  };

  /** Ends what is still open (a task or run that stopped without its events), as failed. */
  end(reason: string, time = Date.now()): void {
    for (const m of this.modules.values()) finish(m.span, 'failed', time, reason);
    for (const s of this.subflows.values()) finish(s, 'failed', time, reason);
    this.modules.clear();
    this.subflows.clear();
    if (this.run) finish(this.run, 'failed', time, reason);
    this.run = undefined;
  }

  /** True when the event was the run's own. */
  private onRunEvent(e: PypeEvent): boolean {
    switch (e.type) {
      case 'run.started':
        this.job = e.flow;
        this.jobDir = e.jobDir;
        this.run = this.options.tracer.startSpan(`run ${e.flow}`, {
          startTime: e.time,
          attributes: { 'pype.job': e.flow, 'pype.run.id': e.runId, 'pype.context': e.context, 'pype.subflows': e.subflows, 'pype.modules': e.modules },
        }, this.options.parent);
        return true;
      case 'run.finished': {
        const status = e.status === 'success' ? 'success' : e.status === 'cancelled' ? 'cancelled' : 'failed';
        const run = this.run;
        this.run = undefined;
        this.end('the run ended before it did', e.time);
        if (run) finish(run, status, e.time, e.error);
        return true;
      }
      case 'subflow.skipped':
        this.run?.addEvent('subflow skipped', { 'pype.subflow': e.subflow, 'pype.reason': e.reason }, e.time);
        return true;
      case 'subflow.restored': {
        const span = this.options.tracer.startSpan(`subflow ${e.subflow}`, { startTime: e.time, attributes: { ...this.base(e.runId), 'pype.subflow': e.subflow, 'pype.frame': e.frame } }, this.context);
        finish(span, 'restored', e.time);
        return true;
      }
      case 'log':
        if (e.nodeId || (e.level !== 'warn' && e.level !== 'error')) return false;
        this.run?.addEvent('log', { 'log.severity': e.level, 'log.message': e.msg }, e.time);
        return true;
      default:
        return false;
    }
  }

  /** Sub flows and modules, where they run. */
  private onWorkEvent(e: PypeEvent): void {
    switch (e.type) {
      case 'subflow.started': {
        const frame = e.frame ?? '0';
        const attributes = { ...this.base(e.runId), 'pype.subflow': e.subflow, 'pype.frame': frame, 'pype.subflow.modules': e.modules };
        this.subflows.set(`${e.subflow}#${frame}`, this.options.tracer.startSpan(`subflow ${e.subflow}`, { startTime: e.time, attributes }, this.context));
        break;
      }
      case 'subflow.finished':
        this.take(this.subflows, `${e.subflow}#${e.frame ?? '0'}`, (span) => finish(span, e.status, e.time));
        break;
      case 'module.started':
        this.moduleStarted(e);
        break;
      case 'module.finished':
        this.take(this.modules, e.nodeId, ({ span }) => {
          span.setAttributes({ 'pype.rows.in': e.rowsIn, 'pype.rows.out': e.rowsOut, 'pype.attempts': e.attempts, 'pype.retries': e.attempts - 1 });
          finish(span, 'success', e.time);
        });
        break;
      case 'module.cached':
        this.take(this.modules, e.nodeId, ({ span }) => {
          span.setAttributes({ 'pype.rows.in': e.rowsIn, 'pype.rows.out': e.rowsOut, 'pype.cache.key': e.key });
          finish(span, 'cached', e.time);
        });
        break;
      case 'module.failed': {
        const m = this.modules.get(e.nodeId);
        if (!m) break;
        m.span.addEvent('attempt failed', { 'pype.attempt': e.attempt, 'pype.error': e.error, 'pype.will_retry': e.willRetry }, e.time);
        if (e.willRetry) break;
        this.modules.delete(e.nodeId);
        m.span.setAttributes({ 'pype.attempts': m.attempts, 'pype.retries': m.attempts - 1, ...(e.hint ? { 'pype.error.hint': e.hint } : {}) });
        finish(m.span, 'failed', e.time, e.error);
        break;
      }
      case 'module.skipped':
        this.moduleSkipped(e);
        break;
      case 'artifact.spilled':
        this.modules.get(e.nodeId)?.span.addEvent('spilled', { 'pype.rows': e.rows, 'pype.uri': e.uri }, e.time);
        break;
      case 'log':
        if (e.nodeId && (e.level === 'warn' || e.level === 'error')) this.modules.get(e.nodeId)?.span.addEvent('log', { 'log.severity': e.level, 'log.message': e.msg }, e.time);
        break;
    }
  }

  private moduleStarted(e: Extract<PypeEvent, { type: 'module.started' }>): void {
    const open = this.modules.get(e.nodeId);
    if (open) {
      open.attempts = e.attempt;
      open.span.addEvent('retry', { 'pype.attempt': e.attempt }, e.time);
      return;
    }
    const frame = frameOf(e.nodeId);
    const parent = this.subflows.get(`${e.subflow}#${frame}`);
    const node = this.node(e.moduleId);
    const attributes: Attributes = {
      ...this.base(e.runId), 'pype.node.id': e.nodeId, 'pype.module.id': e.moduleId, 'pype.module.type': e.name, 'pype.subflow': e.subflow, 'pype.frame': frame,
      ...(node ? { 'pype.module.package': node.package, 'pype.module.version': node.version } : {}),
    };
    const span = this.options.tracer.startSpan(`module ${e.moduleId}`, { startTime: e.time, attributes }, parent ? trace.setSpan(this.options.parent, parent) : this.context);
    this.modules.set(e.nodeId, { span, attempts: e.attempt });
  }

  /** A module that started and then stopped for its upstream ends skipped; one that never started is an event of the run. */
  private moduleSkipped(e: Extract<PypeEvent, { type: 'module.skipped' }>): void {
    const m = this.modules.get(e.nodeId);
    if (m) {
      this.modules.delete(e.nodeId);
      m.span.setAttribute('pype.reason', e.reason);
      return finish(m.span, 'skipped', e.time);
    }
    this.run?.addEvent('module skipped', { 'pype.node.id': e.nodeId, 'pype.module.id': e.moduleId, 'pype.reason': e.reason }, e.time);
  }

  private base(runId: string): Attributes {
    return { 'pype.run.id': this.options.runId ?? runId, ...(this.job ? { 'pype.job': this.job } : {}) };
  }

  /** The package and version the job folder pins for a module (read once; tracing never fails a run). */
  private node(moduleId: string): { package: string; version: string } | undefined {
    if (!this.nodes && this.jobDir) {
      try {
        this.nodes = loadJob(this.jobDir).dag.nodes;
      } catch {
        this.nodes = {};
      }
    }
    return this.nodes?.[moduleId];
  }

  private take<T>(map: Map<string, T>, key: string, fn: (value: T) => void): void {
    const value = map.get(key);
    if (value === undefined) return;
    map.delete(key);
    fn(value);
  }
}

/** `load#2.1` → `2.1`: the loop frame in a node id. */
function frameOf(nodeId: string): string {
  const hash = nodeId.lastIndexOf('#');
  return hash < 0 ? '0' : nodeId.slice(hash + 1);
}

function finish(span: Span, outcome: Outcome, time: number, error?: string): void {
  span.setAttribute('pype.status', outcome);
  if (outcome === 'failed' || outcome === 'cancelled') {
    if (error) span.setAttribute('pype.error', error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error ?? outcome });
  } else span.setStatus({ code: SpanStatusCode.OK });
  span.end(time);
}
