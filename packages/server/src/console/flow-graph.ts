import type { Dag, Diagnostic, ExecutionMetadata, SchemasFile } from '@pypeline/core';
import { isSyntaxError, parseControlEdge, parseDataEdge } from '@pypeline/core';

/** One module of a flow as the console draws it. */
export interface GraphNode {
  id: string;
  name: string;
  /** `source`, `mod`, `sink`, `solo`; unknown for a flow that does not plan. */
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

export interface GraphDataEdge {
  from: string;
  fromPort: string;
  to: string;
  toPort: string;
  /** The columns on the connection, or why they are unknown (when the job folder has its schemas). */
  schema?: { columns: Array<{ name: string; type: string; nullable: boolean }> } | { unknown: string };
}

export interface GraphControlEdge {
  from: string;
  to: string;
  kind: 'normal' | 'iterate' | 'start';
  /** As written: `1`, `Last`, or empty. */
  order: string;
  condition: string | null;
}

export interface GraphProblem {
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
  /** Where in the flow file, as `pype validate` prints it. */
  path: string;
  line: number;
  column: number;
  /** The module the problem is about, when it names one. */
  nodeId?: string;
}

/** What the console draws: modules grouped in sub flows, data and control connections, problems. */
export interface FlowGraph {
  flow: string;
  nodes: GraphNode[];
  subflows: Array<{ id: string; modules: string[] }>;
  dataEdges: GraphDataEdge[];
  controlEdges: GraphControlEdge[];
  problems: GraphProblem[];
}

/** The graph of a planned flow (a built job folder, or a flow file that validates). */
export function planGraph(dag: Dag, metadata: ExecutionMetadata, schemas?: SchemasFile, problems: GraphProblem[] = []): FlowGraph {
  const schemaOf = new Map(schemas?.edges.map((e) => [`${e.from}>${e.to}`, e]));
  return {
    flow: dag.flow,
    nodes: Object.values(dag.nodes).map((n) => ({
      id: n.id, name: n.name, type: n.type, category: n.category, description: n.description, package: n.package, version: n.version,
      subflow: n.subflow, config: n.config, inputPorts: n.input_ports, outputPorts: n.output_ports, retries: n.retries, timeout: n.timeout,
    })),
    subflows: metadata.subflows.map((s) => ({ id: s.id, modules: s.modules })),
    dataEdges: dag.data_edges.map((e) => {
      const found = schemaOf.get(`${e.from}.${e.from_port}>${e.to}.${e.to_port}`);
      const schema = found && ('columns' in found ? { columns: found.columns } : { unknown: found.unknown });
      return { from: e.from, fromPort: e.from_port, to: e.to, toPort: e.to_port, ...(schema ? { schema } : {}) };
    }),
    controlEdges: metadata.control_edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind, order: e.order_text, condition: e.condition })),
    problems,
  };
}

interface FlowDoc {
  flow?: { name?: unknown };
  modules?: Array<{ id?: unknown; name?: unknown; configs?: { required?: object; optional?: object } }>;
  connections?: { data?: unknown[]; control?: unknown[] };
}

/**
 * The graph of a flow that does not plan, drawn from its document as written: modules and the
 * connections that parse, each problem pinned on the module its YAML path names.
 */
export function draftGraph(data: unknown, diagnostics: Diagnostic[]): FlowGraph {
  const doc = (data && typeof data === 'object' ? data : {}) as FlowDoc;
  const modules = Array.isArray(doc.modules) ? doc.modules : [];
  const ids = modules.map((m, i) => (typeof m?.id === 'string' ? m.id : `modules[${i}]`));
  const nodes = new Map<string, GraphNode>();
  modules.forEach((m, i) => {
    if (nodes.has(ids[i])) return;
    nodes.set(ids[i], { id: ids[i], name: typeof m?.name === 'string' ? m.name : '?', config: { ...(m?.configs?.required ?? {}), ...(m?.configs?.optional ?? {}) }, inputPorts: [], outputPorts: [] });
  });
  const strings = (list: unknown) => (Array.isArray(list) ? list : []).map((t, i) => [String(t), i] as const);
  const dataEdges = strings(doc.connections?.data)
    .map(([t, i]) => parseDataEdge(t, i))
    .flatMap((e) => (isSyntaxError(e) || !nodes.has(e.from) || !nodes.has(e.to) ? [] : [{ from: e.from, fromPort: e.from_port, to: e.to, toPort: e.to_port }]));
  const controlEdges = strings(doc.connections?.control)
    .map(([t, i]) => parseControlEdge(t, i))
    .flatMap((e) => (isSyntaxError(e) || !nodes.has(e.from) || !nodes.has(e.to) ? [] : [{ from: e.from, to: e.to, kind: e.kind, order: e.orderText, condition: e.condition }]));
  const connections = { data: strings(doc.connections?.data).map(([t]) => t), control: strings(doc.connections?.control).map(([t]) => t) };
  return {
    flow: typeof doc.flow?.name === 'string' ? doc.flow.name : '(unnamed flow)',
    nodes: [...nodes.values()],
    subflows: [],
    dataEdges,
    controlEdges,
    problems: diagnostics.map((d) => toProblem(d, ids, connections, nodes)),
  };
}

/** A diagnostic with the module it is about: `modules[2]…` names the third module, a connection its ends. */
export function toProblem(d: Diagnostic, ids: string[], connections: { data: string[]; control: string[] }, nodes: Map<string, unknown>): GraphProblem {
  const problem: GraphProblem = { severity: d.severity, message: d.message, path: d.path, line: d.line, column: d.column, ...(d.hint ? { hint: d.hint } : {}) };
  const mod = /^modules\[(\d+)\]/.exec(d.path);
  if (mod && ids[Number(mod[1])]) return { ...problem, nodeId: ids[Number(mod[1])] };
  const conn = /^connections\.(data|control)\[(\d+)\]/.exec(d.path);
  const text = conn ? connections[conn[1] as 'data' | 'control'][Number(conn[2])] : undefined;
  const end = text ? /^\s*([A-Za-z]\w*)/.exec(text)?.[1] : undefined;
  return end && nodes.has(end) ? { ...problem, nodeId: end } : problem;
}
