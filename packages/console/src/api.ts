/** The JSON the console reads from `pype serve` (see packages/server/src/routes/). */

export type RunPhase = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';

export interface GraphNode {
  id: string;
  name: string;
  type?: string;
  category?: string;
  description?: string;
  package?: string;
  version?: string;
  subflow?: string;
  config: Record<string, unknown>;
  inputPorts: string[];
  outputPorts: string[];
  retries?: number;
  timeout?: number | null;
}

export interface Column {
  name: string;
  type: string;
  nullable: boolean;
}

export interface GraphDataEdge {
  from: string;
  fromPort: string;
  to: string;
  toPort: string;
  schema?: { columns: Column[] } | { unknown: string };
}

export interface GraphControlEdge {
  from: string;
  to: string;
  kind: 'normal' | 'iterate' | 'start';
  order: string;
  condition: string | null;
}

export interface GraphProblem {
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
  path: string;
  line: number;
  column: number;
  nodeId?: string;
}

export interface FlowGraph {
  flow: string;
  nodes: GraphNode[];
  subflows: Array<{ id: string; modules: string[] }>;
  dataEdges: GraphDataEdge[];
  controlEdges: GraphControlEdge[];
  problems: GraphProblem[];
}

export interface RunError {
  nodeId?: string;
  subflow?: string;
  message: string;
  hint?: string;
}

export interface RunView {
  id: string;
  job: string;
  status: RunPhase;
  runId?: string;
  contextName: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  errors: RunError[];
  /** Set when one of the job's triggers started the run. */
  trigger?: RunTrigger;
}

export interface RunTrigger {
  kind: 'cron' | 'file_arrival' | 'job_success';
  id: string;
  /** Cron: the tick (ISO); file_arrival: the file; job_success: the run that succeeded. */
  tick: string;
}

/** A trigger as the job folder keeps it (GET /schedules). */
export type Trigger =
  | { kind: 'cron'; id: string; context: string; cron: string; timezone: string; catch_up: 'none' | 'last' | 'all' }
  | { kind: 'file_arrival'; id: string; context: string; folder: string; pattern: string; context_var: string }
  | { kind: 'job_success'; id: string; context: string; job: string };

export interface Schedule {
  job: string;
  trigger: Trigger;
  next?: string;
  last?: { key: string; run: string; firedAt: string; status?: RunPhase; tick?: string };
}

export interface JobEntry {
  name: string;
  kind: 'job' | 'flow';
  file?: string;
  modules?: number;
  subflows?: number;
  builtAt?: string;
  version?: string;
  lastRun?: RunView;
}

export interface JobDetail {
  name: string;
  version?: string;
  builtAt: string;
  contexts: string[];
  graph: FlowGraph;
}

export interface FlowDetail {
  file: string;
  ok: boolean;
  graph: FlowGraph;
}

/** An answer other than 2xx, with the server's message and fix. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'pype.token';

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

export function authHeaders(): Record<string, string> {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

export async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) throw new ApiError(res.status, json.error ?? `${method} ${path}: HTTP ${res.status}`, json.hint);
  return json as T;
}

export const api = {
  jobs: () => call<{ jobs: JobEntry[] }>('GET', '/jobs').then((r) => r.jobs),
  job: (name: string) => call<JobDetail>('GET', `/jobs/${encodeURIComponent(name)}`),
  flow: (file: string) => call<FlowDetail>('GET', `/flows/${encodeURIComponent(file)}`),
  history: (name: string) => call<{ runs: RunView[] }>('GET', `/jobs/${encodeURIComponent(name)}/runs?limit=100`).then((r) => r.runs),
  run: (id: string) => call<RunView>('GET', `/runs/${encodeURIComponent(id)}`),
  schedules: () => call<{ schedules: Schedule[] }>('GET', '/schedules').then((r) => r.schedules),
  start: (name: string, context = 'default') => call<{ id: string }>('POST', `/jobs/${encodeURIComponent(name)}/runs?context=${encodeURIComponent(context)}`, {}),
  cancel: (id: string) => call<{ id: string }>('POST', `/runs/${encodeURIComponent(id)}/cancel`),
  resume: (id: string) => call<{ id: string }>('POST', `/runs/${encodeURIComponent(id)}/resume`),
};
