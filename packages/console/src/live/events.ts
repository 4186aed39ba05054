/** The engine's events as the console reads them (packages/core/src/run/events.ts, over SSE). */
export type PypeEvent = { runId: string; time: number } & (
  | { type: 'run.started'; flow: string; subflows: number; modules: number }
  | { type: 'run.finished'; status: 'success' | 'failed' | 'cancelled'; durationMs: number; error?: string }
  | { type: 'subflow.started'; subflow: string; modules: string[] }
  | { type: 'subflow.finished'; subflow: string; status: 'success' | 'failed'; durationMs: number }
  | { type: 'subflow.skipped'; subflow: string; reason: string }
  | { type: 'subflow.restored'; subflow: string; modules: string[]; frame: string }
  | { type: 'module.started'; nodeId: string; moduleId: string; name: string; subflow: string; attempt: number }
  | { type: 'module.progress'; nodeId: string; moduleId: string; rows: number; bytes?: number; totalBytes?: number }
  | { type: 'module.finished'; nodeId: string; moduleId: string; durationMs: number; rowsIn: number; rowsOut: number; attempts: number }
  | { type: 'module.failed'; nodeId: string; moduleId: string; durationMs: number; error: string; hint?: string; attempt: number; willRetry: boolean }
  | { type: 'module.skipped'; nodeId: string; moduleId: string; reason: string }
  | { type: 'module.cached'; nodeId: string; moduleId: string; durationMs: number; rowsIn: number; rowsOut: number }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; nodeId?: string; msg: string; fields?: Record<string, unknown> }
  | { type: 'edge.fired' | 'edge.skipped' | 'iteration.started' | 'iteration.finished' | 'artifact.spilled' }
);
