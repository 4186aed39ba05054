import type { Schema } from 'apache-arrow';
import { errorMessage, type AnyModuleDefinition, type ConfigIssue, type EdgeSchema, type SchemaResult, type Thrown } from '@pypeline/sdk';
import type { PathSegment } from '../flow/diagnostics.js';
import type { Flow } from '../flow/types.js';
import type { Collector } from '../plan/collector.js';
import { inputKeys } from '../plan/input-keys.js';
import type { DagNode, DataEdge, Plan } from '../plan/types.js';
import { importModule } from '../registry/import-module.js';
import { checkPaths } from '../run/path-guard.js';
import { PiscinaPool, poolSize } from '../run/worker-pool.js';
import { buildTimeConfig } from './build-time-config.js';
import { withDeadline } from './with-deadline.js';
import { edgeSchemaJson, type SchemasFile } from './edge-schemas.js';

export interface SchemaOptions {
  /** The context environment whose values resolve `{{context.x}}`. @default 'default' */
  env?: string;
  /** How long one module may take to state its schemas (a database that does not answer). @default 5000 */
  schemaTimeoutMs?: number;
  /** Indexes of modules already reported as broken: their outputs are unknown and they are not asked. */
  broken?: ReadonlySet<number>;
  /** Told the schema of every output port (`node.port`), connected or not: `pype discover` reads a lone source's. */
  onPort?: (port: string, schema: EdgeSchema) => void;
}

/**
 * Walks the planned DAG in topological order and asks each module for the schema of its outputs
 * from its config and its input schemas (`outputSchemas` of the module contract). Config
 * problems the modules find are located in the flow through `out`; a module that cannot say
 * (no method, a run-time template, a file or service not there yet) leaves its outputs unknown,
 * and whatever follows skips the checks that need them. Returns the schema of every connection.
 */
export async function propagateSchemas(plan: Plan, flow: Flow, out: Collector, options: SchemaOptions = {}): Promise<SchemasFile> {
  const { dag, metadata } = plan;
  const context = plan.context[options.env ?? 'default'] ?? {};
  const ports = new Map<string, EdgeSchema>();
  const pool = new PiscinaPool(poolSize(metadata.settings.threads));
  // Looked up once per node: flows of thousands of modules stay linear.
  const indexOf = new Map(flow.modules.map((m, i) => [m.id, i]));
  const edgesInto = new Map<string, DataEdge[]>();
  for (const e of dag.data_edges) {
    const list = edgesInto.get(e.to);
    if (list) list.push(e);
    else edgesInto.set(e.to, [e]);
  }
  try {
    for (const id of metadata.subflows.flatMap((s) => s.waves.flat())) {
      const node = dag.nodes[id];
      const inputs: Record<string, Schema | undefined> = {};
      const unknownInputs: string[] = [];
      for (const { edge: e, key } of inputKeys(node, edgesInto.get(id) ?? [])) {
        const from = ports.get(`${e.from}.${e.from_port}`);
        if (from && !('unknown' in from)) inputs[key] = from;
        else {
          unknownInputs.push(`${e.from}.${e.from_port}`);
          // A many port keeps an unknown input's place, so the module sees every position.
          if (key !== e.to_port) inputs[key] = undefined;
        }
      }
      const index = indexOf.get(id)!;
      const result = options.broken?.has(index)
        ? { outputs: Object.fromEntries(node.output_ports.map((p) => [p, { unknown: `the config of ${id} has problems` }])) }
        : await describeNode(node, index, inputs, context, { flow, out, pool, allowedRoot: metadata.settings.allowed_root, timeoutMs: options.schemaTimeoutMs ?? 5000 });
      const upstream = unknownInputs.length ? unknownBecause(unknownInputs[0], ports.get(unknownInputs[0])) : undefined;
      for (const port of node.output_ports) {
        const given = result.outputs?.[port];
        if (given && !('unknown' in given)) ports.set(`${id}.${port}`, given);
        else ports.set(`${id}.${port}`, upstream ?? given ?? { unknown: `${node.name} does not state the schema of port ${port}` });
        options.onPort?.(`${id}.${port}`, ports.get(`${id}.${port}`)!);
      }
    }
  } finally {
    await pool.close();
  }
  return { flow: dag.flow, edges: dag.data_edges.map((e) => edgeSchemaJson(e, ports.get(`${e.from}.${e.from_port}`))) };
}

/** An output unknown because an input is says where the unknown started, not "its input is unknown". */
function unknownBecause(port: string, schema: EdgeSchema | undefined): EdgeSchema {
  const reason = schema && 'unknown' in schema ? schema.unknown : `${port} gives nothing`;
  return { unknown: reason.startsWith('follows ') ? reason : `follows ${port}: ${reason}` };
}

interface DescribeEnv {
  flow: Flow;
  out: Collector;
  pool: PiscinaPool;
  allowedRoot?: string;
  timeoutMs: number;
}

async function describeNode(node: DagNode, index: number, inputs: Record<string, Schema | undefined>, context: Record<string, unknown>, env: DescribeEnv): Promise<SchemaResult> {
  const where: PathSegment[] = ['modules', index];
  const unknownAll = (reason: string): SchemaResult => ({ outputs: Object.fromEntries(node.output_ports.map((p) => [p, { unknown: reason }])) });
  let def: AnyModuleDefinition;
  try {
    def = await importModule(node.resolved_entry, node.package, node.version);
  } catch (error) {
    env.out.warn(where, `${node.id}: cannot load ${node.package} to learn its output schema: ${errorMessage(error as Thrown)}`, (error as { hint?: string }).hint);
    return unknownAll(`${node.package} cannot be loaded`);
  }
  if (!def.outputSchemas) return unknownAll(`${node.name} does not state its output schema`);
  let prepared: ReturnType<typeof buildTimeConfig>;
  try {
    prepared = buildTimeConfig(node, context);
    if ('unknown' in prepared) return unknownAll(prepared.unknown);
    checkPaths(node, prepared.config, env.allowedRoot);
  } catch (error) {
    env.out.warn(where, `${node.id}: output schema unknown: ${errorMessage(error as Thrown)}`, (error as { hint?: string }).hint);
    return unknownAll(errorMessage(error as Thrown));
  }
  let result: SchemaResult;
  try {
    result = await withDeadline((signal) => def.outputSchemas!({ config: prepared.config, inputs, signal, pool: env.pool, allowedRoot: env.allowedRoot }), env.timeoutMs);
  } catch (error) {
    const reason = errorMessage(error as Thrown);
    const what = node.output_ports.length ? 'output schema unknown until the run' : 'its input cannot be checked before the run';
    env.out.warn(where, `${node.id} (${node.name}): ${what}: ${reason}`, (error as { hint?: string }).hint ?? 'the checks that need this schema are skipped; they run when the module runs');
    return unknownAll(reason);
  }
  for (const issue of result.problems ?? []) reportIssue(node, index, issue, env);
  for (const warning of result.warnings ?? []) env.out.warn(where, `${node.id} (${node.name}): ${warning}`);
  return result;
}

/** A module's config problem at its place in the flow: the key, and inside its text when the module gave a span. */
function reportIssue(node: DagNode, index: number, issue: ConfigIssue, env: DescribeEnv): void {
  const spec = env.flow.modules[index];
  const top = String(issue.key[0]);
  const section = top in spec.configs.required ? 'required' : top in spec.configs.optional ? 'optional' : undefined;
  const path: PathSegment[] = section ? ['modules', index, 'configs', section, ...issue.key] : ['modules', index, 'configs'];
  const at = `configs.${section ?? 'optional'}.${issue.key.join('.')}`;
  const text = section ? valueAt(spec.configs[section], issue.key) : undefined;
  const quoted = typeof text === 'string' ? ` ${JSON.stringify(text)}` : '';
  const message = `${node.name} node "${node.id}", ${at}${quoted}: ${issue.message}`;
  const offset = issue.span && typeof text === 'string' ? issue.span.start : undefined;
  env.out.add(issue.severity ?? 'error', path, message, issue.hint, { offset });
}

function valueAt(value: unknown, key: readonly PathSegment[]): unknown {
  let v = value;
  for (const k of key) v = v !== null && typeof v === 'object' ? (v as Record<PathSegment, unknown>)[k] : undefined;
  return v;
}
