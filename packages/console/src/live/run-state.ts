import type { PypeEvent } from './events.js';

export type NodeState = 'pending' | 'running' | 'retrying' | 'success' | 'failed' | 'skipped' | 'cached' | 'restored';

/** One attempt of one module, a bar of the timeline. */
export interface Segment {
  nodeId: string;
  moduleId: string;
  attempt: number;
  start: number;
  /** Undefined while it runs. */
  end?: number;
  outcome: 'running' | 'success' | 'failed' | 'retried';
}

/** What the console knows of one module of a run. */
export interface NodeRun {
  moduleId: string;
  state: NodeState;
  rowsIn: number;
  rowsOut: number;
  /** Rows seen so far while it runs (module.progress), else its rows out. */
  rows: number;
  /** Rows per second over the last progress interval, while it runs; its average once done. */
  rate?: number;
  bytes?: number;
  totalBytes?: number;
  attempts: number;
  durationMs?: number;
  error?: string;
  hint?: string;
  reason?: string;
}

export interface LogLine {
  time: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  nodeId?: string;
  msg: string;
}

export interface RunState {
  status: 'queued' | 'running' | 'success' | 'failed' | 'cancelled';
  start?: number;
  end?: number;
  nodes: Map<string, NodeRun>;
  segments: Segment[];
  subflows: Array<{ id: string; start: number; end?: number; status: 'running' | 'success' | 'failed' | 'skipped' }>;
  logs: LogLine[];
}

export function emptyRun(): RunState {
  return { status: 'queued', nodes: new Map(), segments: [], subflows: [], logs: [] };
}

/**
 * Folds one event into the run's state (a new object, for the view to notice). Iterations of one
 * module (`id#0.1`, `id#0.2`) add up on the module's node; each is its own timeline bar.
 */
export function applyEvent(run: RunState, e: PypeEvent): RunState {
  const next: RunState = { ...run, nodes: new Map(run.nodes), segments: run.segments, subflows: run.subflows, logs: run.logs };
  const node = (moduleId: string): NodeRun => {
    const found = next.nodes.get(moduleId);
    const copy: NodeRun = found ? { ...found } : { moduleId, state: 'pending', rowsIn: 0, rowsOut: 0, rows: 0, attempts: 0 };
    next.nodes.set(moduleId, copy);
    return copy;
  };
  const closeSegment = (nodeId: string, time: number, outcome: Segment['outcome']) => {
    next.segments = next.segments.map((s) => (s.nodeId === nodeId && s.end === undefined ? { ...s, end: time, outcome } : s));
  };
  switch (e.type) {
    case 'run.started':
      next.status = 'running';
      next.start ??= e.time;
      break;
    case 'run.finished':
      next.status = e.status;
      next.end = e.time;
      break;
    case 'subflow.started':
      next.subflows = [...next.subflows, { id: e.subflow, start: e.time, status: 'running' }];
      break;
    case 'subflow.finished':
      next.subflows = next.subflows.map((s) => (s.id === e.subflow && s.end === undefined ? { ...s, end: e.time, status: e.status } : s));
      break;
    case 'subflow.skipped':
      next.subflows = [...next.subflows, { id: e.subflow, start: e.time, end: e.time, status: 'skipped' }];
      break;
    case 'subflow.restored':
      for (const m of e.modules) node(m).state = 'restored';
      break;
    case 'module.started': {
      const n = node(e.moduleId);
      n.state = 'running';
      n.attempts = e.attempt;
      n.rate = undefined;
      next.segments = [...next.segments, { nodeId: e.nodeId, moduleId: e.moduleId, attempt: e.attempt, start: e.time, outcome: 'running' }];
      break;
    }
    case 'module.progress': {
      const n = node(e.moduleId);
      const last = progressMark.get(run)?.get(e.nodeId);
      if (last && e.time > last.time) n.rate = ((e.rows - last.rows) * 1000) / (e.time - last.time);
      n.rows = e.rows;
      if (e.bytes !== undefined) n.bytes = e.bytes;
      if (e.totalBytes !== undefined) n.totalBytes = e.totalBytes;
      remember(next, run, e.nodeId, { time: e.time, rows: e.rows });
      return next;
    }
    case 'module.finished':
    case 'module.cached': {
      const n = node(e.moduleId);
      n.state = e.type === 'module.cached' ? 'cached' : 'success';
      n.rowsIn += e.rowsIn;
      n.rowsOut += e.rowsOut;
      n.rows = n.rowsOut;
      n.durationMs = (n.durationMs ?? 0) + e.durationMs;
      if (e.type === 'module.cached') break;
      n.rate = n.durationMs > 0 ? (n.rowsOut * 1000) / n.durationMs : undefined;
      n.attempts = e.attempts;
      closeSegment(e.nodeId, e.time, 'success');
      break;
    }
    case 'module.failed': {
      const n = node(e.moduleId);
      n.state = e.willRetry ? 'retrying' : 'failed';
      n.error = e.error;
      n.hint = e.hint;
      n.durationMs = e.durationMs;
      closeSegment(e.nodeId, e.time, e.willRetry ? 'retried' : 'failed');
      break;
    }
    case 'module.skipped': {
      const n = node(e.moduleId);
      n.state = 'skipped';
      n.reason = e.reason;
      break;
    }
    case 'log':
      next.logs = [...next.logs, { time: e.time, level: e.level, nodeId: e.nodeId, msg: e.msg }];
      break;
    default:
      return run;
  }
  remember(next, run);
  return next;
}

// The last progress mark of each node, kept beside the state objects (not rendered).
const progressMark = new WeakMap<RunState, Map<string, { time: number; rows: number }>>();

function remember(next: RunState, prev: RunState, nodeId?: string, mark?: { time: number; rows: number }): void {
  const marks = new Map(progressMark.get(prev));
  if (nodeId && mark) marks.set(nodeId, mark);
  progressMark.set(next, marks);
}

/** The module id of a node id (`load#0.2` → `load`). */
export function moduleOf(nodeId: string): string {
  const i = nodeId.indexOf('#');
  return i < 0 ? nodeId : nodeId.slice(0, i);
}
