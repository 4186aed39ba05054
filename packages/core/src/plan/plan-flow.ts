import type { Diagnostic } from '../flow/diagnostics.js';
import type { LoadedFlow } from '../flow/load-flow.js';
import type { Discovery } from '../registry/discover.js';
import { findRefs } from '../template/references.js';
import { PYPELINE_VERSION } from '../version.js';
import { checkContexts } from './check-contexts.js';
import { checkControlEdges } from './check-control-edges.js';
import { checkDataEdges } from './check-data-edges.js';
import { checkModules, type ResolvedModule } from './check-modules.js';
import { checkRef } from './check-refs.js';
import { checkTriggers } from './check-triggers.js';
import { Collector } from './collector.js';
import { findCycle, successorsOf } from './detect-cycles.js';
import { findRoots, staticExecutionOrder } from './execution-order.js';
import { buildSubFlows } from './subflows.js';
import type { ControlEdge, DagNode, Plan, SubFlow } from './types.js';
import type { Flow } from '../flow/types.js';

export interface PlanResult {
  /** Also made despite errors when every module resolved and nothing loops; check `diagnostics`. */
  plan?: Plan;
  diagnostics: Diagnostic[];
}

/** Plan phase: modules, configs, connections, sub flows, valves and cycles, all problems at once. */
export function planFlow(loaded: LoadedFlow, discovery: Discovery, options: { jobs?: readonly string[] } = {}): PlanResult {
  const { flow, doc } = loaded;
  if (!flow) return { diagnostics: loaded.diagnostics };
  const out = new Collector(doc);
  out.diagnostics.push(...loaded.diagnostics);

  checkContexts(flow, Object.keys((doc.data as { context?: object } | null)?.context ?? {}), out);
  const triggers = checkTriggers(flow, out, options.jobs);
  const modules = checkModules(flow, discovery, out);
  checkConfigRefs(flow, modules, out);
  const dataEdges = checkDataEdges(flow, modules, out);
  const ids = flow.modules.map((m) => m.id);

  const dataCycle = findCycle(ids, successorsOf(dataEdges, (e) => e.from, (e) => e.to));
  if (dataCycle) {
    out.error(['connections', 'data'], `data connections form a cycle: ${dataCycle.join(' -> ')}`, 'data must flow one way; remove one of these connections');
    return { diagnostics: out.diagnostics };
  }
  const subflows = buildSubFlows(ids, dataEdges);
  const controlEdges = checkControlEdges(flow, modules, subflows, dataEdges, out);
  const cycle = findCycle(subflows.map((s) => s.id), successorsOf(controlEdges, (e) => e.from_subflow, (e) => e.to_subflow));
  if (cycle) {
    out.error(['connections', 'control'], `control connections form a cycle: ${describeCycle(cycle, controlEdges)}`, 'control flow must not loop back; remove one of these connections (use ITERATE for loops)');
  }
  // A plan with problems is still made when every module resolved and nothing loops, so the
  // schema checks (checkFlow) can report the problems of the other modules in the same pass.
  if (cycle || (out.hasErrors && modules.size !== flow.modules.length)) return { diagnostics: out.diagnostics };

  checkWaits(flow, subflows, controlEdges, out);
  const roots = findRoots(subflows, controlEdges);
  const subflowOf = new Map(subflows.flatMap((sf) => sf.modules.map((m) => [m, sf.id] as const)));
  const nodes: Record<string, DagNode> = {};
  for (const spec of flow.modules) {
    const m = modules.get(spec.id)!;
    nodes[spec.id] = { ...toNode(spec.id, m, subflowOf.get(spec.id)!), retries: spec.retries ?? flow.settings.retries, timeout: spec.timeout ?? null, continue_on_error: spec.continue_on_error ?? false };
  }
  return {
    diagnostics: out.diagnostics,
    plan: {
      dag: { flow: flow.flow.name, pypeline_version: PYPELINE_VERSION, nodes, data_edges: dataEdges },
      metadata: {
        flow: flow.flow.name,
        flow_version: flow.flow.version,
        built_at: new Date().toISOString(),
        settings: flow.settings,
        subflows,
        control_edges: controlEdges,
        roots,
        execution_order: staticExecutionOrder(roots, controlEdges),
        context_envs: Object.keys(flow.context),
        ...(flow.context_schema === undefined ? {} : { context_schema: flow.context_schema }),
        ...(triggers.length ? { triggers } : {}),
      },
      context: flow.context,
    },
  };
}

function toNode(id: string, m: ResolvedModule, subflow: string): Omit<DagNode, 'retries' | 'timeout' | 'continue_on_error'> {
  const e = m.entry;
  return {
    id,
    name: e.name,
    package: e.package,
    version: e.version,
    module_path: e.module_path,
    entry: e.entry,
    resolved_entry: `${e.package_dir}/${e.entry.replace(/^\.\//, '')}`,
    type: e.type,
    category: e.category,
    description: e.description,
    input_ports: e.input_ports,
    ...(e.many_input_ports?.length ? { many_input_ports: e.many_input_ports } : {}),
    output_ports: e.output_ports,
    globals: e.globals,
    config: m.config,
    config_schema: e.config_schema,
    json_schema: e.json_schema,
    subflow,
  };
}

function checkConfigRefs(flow: Flow, modules: Map<string, ResolvedModule>, out: Collector): void {
  flow.modules.forEach((spec, index) => {
    for (const section of ['required', 'optional'] as const) {
      for (const { path, ref } of findRefs(spec.configs[section])) {
        const problem = checkRef(ref.text, flow, modules);
        if (problem) out.error(['modules', index, 'configs', section, ...path], `${spec.id}: ${problem.message}`, problem.hint);
      }
    }
  });
}

/** `a -> b -> a`, naming the module ids on each control connection of the cycle. */
function describeCycle(cycle: string[], edges: ControlEdge[]): string {
  const parts: string[] = [];
  for (let i = 0; i + 1 < cycle.length; i++) {
    const e = edges.find((x) => x.from_subflow === cycle[i] && x.to_subflow === cycle[i + 1])!;
    if (parts.length && parts[parts.length - 1] !== e.from) parts.push(`(${e.from})`);
    if (!parts.length) parts.push(e.from);
    parts.push(e.to);
  }
  return parts.join(' -> ').replace(/ -> \((\w+)\)/g, ' ~ $1');
}

/** `wait` (sync gates): checked, and recorded on the gated sub flow. */
function checkWaits(flow: Flow, subflows: SubFlow[], edges: ControlEdge[], out: Collector): void {
  flow.modules.forEach((spec, index) => {
    if (spec.wait === undefined || spec.wait === 'any') return;
    const at = ['modules', index, 'wait'];
    const into = edges.filter((e) => e.to === spec.id);
    const sf = subflows.find((s) => s.modules.includes(spec.id));
    if (into.length < 2) {
      return out.error(at, `${spec.id}: wait: ${spec.wait} gates the control connections leading into it, and ${into.length === 0 ? 'none does' : 'only one does'}`, 'connect two or more branches into it, e.g. "load_a (1|) publish" and "load_b (1|) publish", or remove wait');
    }
    const other = into.find((e) => e.kind !== 'normal');
    if (other) return out.error(at, `${spec.id}: wait cannot gate the ${other.kind.toUpperCase()} connection "${other.text}"`, 'lead normal connections into a gate; put the ITERATE or START before the branches');
    if (typeof spec.wait === 'number' && (spec.wait < 1 || spec.wait > into.length)) {
      return out.error(at, `${spec.id}: wait: ${spec.wait}, but only ${into.length} control connections lead into it`, `use a number from 1 to ${into.length}, or all`);
    }
    const elsewhere = sf && edges.find((e) => e.to_subflow === sf.id && e.to !== spec.id);
    if (elsewhere) return out.error(at, `${spec.id}: its sub flow is also started by "${elsewhere.text}", which the gate would not see`, `lead that connection into ${spec.id} too`);
    if (sf) sf.wait = { module: spec.id, count: spec.wait === 'all' ? 'all' : spec.wait, of: into.length };
  });
}
