/** Every state change of a run is one of these; logs, the summary and later UIs read them. */
export type RunStatus = 'success' | 'failed' | 'cancelled';
export type NodeStatus = 'success' | 'failed' | 'skipped';

interface Base {
  runId: string;
  /** ms since the epoch. */
  time: number;
}

export type PypeEvent = Base &
  (
    | { type: 'run.started'; flow: string; jobDir: string; context: string; subflows: number; modules: number }
    | { type: 'run.finished'; flow: string; status: RunStatus; durationMs: number; error?: string }
    /** `frame`: the loop iteration (`0` outside loops, else `2`, `2.1`), as in node ids; absent in logs of older versions. */
    | { type: 'subflow.started'; subflow: string; modules: string[]; frame?: string }
    | { type: 'subflow.finished'; subflow: string; status: 'success' | 'failed'; durationMs: number; frame?: string }
    | { type: 'subflow.skipped'; subflow: string; reason: string }
    | { type: 'subflow.restored'; subflow: string; modules: string[]; frame: string }
    | { type: 'module.started'; nodeId: string; moduleId: string; name: string; subflow: string; attempt: number }
    /**
     * How far a running module has got, at most every half second: rows it handed on so far (its
     * streams' batches), and for a file source the bytes read of the file's size.
     */
    | { type: 'module.progress'; nodeId: string; moduleId: string; rows: number; bytes?: number; totalBytes?: number }
    | { type: 'module.finished'; nodeId: string; moduleId: string; name: string; durationMs: number; rowsIn: number; rowsOut: number; attempts: number }
    | { type: 'module.failed'; nodeId: string; moduleId: string; name: string; durationMs: number; error: string; hint?: string; attempt: number; willRetry: boolean }
    | { type: 'module.skipped'; nodeId: string; moduleId: string; name: string; reason: string }
    /** `--cache`: the module's key was unchanged, so its stored outputs stand in for a run. */
    | { type: 'module.cached'; nodeId: string; moduleId: string; name: string; key: string; durationMs: number; rowsIn: number; rowsOut: number }
    | { type: 'edge.fired'; from: string; to: string; order: number; condition: string | null }
    | { type: 'iteration.started'; from: string; to: string; index: number; total: number }
    | { type: 'iteration.finished'; from: string; to: string; index: number; total: number; status: 'success' | 'failed' }
    | { type: 'edge.skipped'; from: string; to: string; order: number; condition: string | null; reason: string }
    | { type: 'artifact.spilled'; nodeId: string; uri: string; rows: number }
    | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; nodeId?: string; msg: string; fields?: Record<string, unknown> }
  );

export type EventType = PypeEvent['type'];
export type EventOf<T extends EventType> = Extract<PypeEvent, { type: T }>;

/** Distributive Omit, so each variant keeps its own fields. */
type Payload<E> = E extends PypeEvent ? Omit<E, 'runId' | 'time'> : never;
export type EventPayload = Payload<PypeEvent>;

export type Listener = (event: PypeEvent) => void;

/** A synchronous, in-process event stream for one run. */
export class EventBus {
  private readonly listeners: Listener[] = [];
  readonly history: PypeEvent[] = [];
  /** `redact` scrubs secret values from every event before anyone sees it. */
  constructor(
    readonly runId: string,
    private readonly redact: <T>(value: T) => T = (v) => v,
  ) {}

  /**
   * Subscribes to events whose type matches a pattern: `module.*`, `run.finished`, `*`
   * (a `*` stands for one dot-free segment, or everything when alone).
   */
  on(pattern: string, listener: Listener): () => void {
    const match = typePattern(pattern);
    return this.subscribe((e) => {
      if (match(e.type)) listener(e);
    });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(payload: EventPayload): void {
    const event = this.redact({ ...payload, runId: this.runId, time: Date.now() }) as PypeEvent;
    this.history.push(event);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // WARNING: a broken listener must not break the run; it is simply skipped.
      }
    }
  }
}

/** A predicate for event types from a pattern like `module.*`. */
export function typePattern(pattern: string): (type: string) => boolean {
  if (pattern === '*') return () => true;
  const re = new RegExp(`^${pattern.split('.').map((seg) => (seg === '*' ? '[^.]+' : seg.replace(/[^\w-]/g, '\\$&'))).join('\\.')}$`);
  return (type) => re.test(type);
}
