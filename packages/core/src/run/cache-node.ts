import type { ModuleInputs } from '@pypeline/sdk';
import { cacheKey } from '../cache/cache-key.js';
import type { CacheHit } from '../cache/run-cache.js';
import type { DagNode } from '../plan/types.js';
import type { RunState } from './run-state.js';

/** Globals the engine sets on every node; a cache entry keeps only the module's own. */
const ENGINE_GLOBALS = new Set(['status', 'duration_ms', 'rows_out', 'error']);

/** With `--cache`: sources and mods that do not opt out. Sinks and solos always run (their point is a side effect). */
export function isCacheable(state: RunState, node: DagNode): boolean {
  if (!state.cache || (node.type !== 'source' && node.type !== 'mod')) return false;
  return state.modules.get(node.id)?.cacheable !== false;
}

/**
 * Hashes the node's inputs (an input not from the cache is written to the cache's staging
 * folder first and `inputs` then points at that file) and looks its key up.
 */
export async function probeCache(state: RunState, node: DagNode, config: Record<string, unknown>, inputs: ModuleInputs): Promise<{ key: string; hit?: CacheHit }> {
  const cache = state.cache!;
  const hashes: Record<string, string> = {};
  for (const port of Object.keys(inputs).sort()) {
    const hashed = await cache.hashed(inputs[port]);
    inputs[port] = hashed;
    hashes[port] = hashed.contentHash;
  }
  const key = cacheKey({ node, config, inputs: hashes, secrets: [...state.secrets.values()] });
  return { key, hit: await cache.lookup(key, readPorts(state, node)) };
}

/** A hit stands in for the run: its outputs, its globals and a `module.cached` event. */
export function useCached(state: RunState, node: DagNode, nodeId: string, hit: CacheHit, durationMs: number, rowsIn: number): void {
  for (const [port, art] of Object.entries(hit.outputs)) state.outputs.set(`${node.id}.${port}`, art);
  for (const [k, v] of Object.entries(hit.entry.globals)) state.globals.set(nodeId, k, v);
  state.bus.emit({ type: 'module.cached', nodeId, moduleId: node.id, name: node.name, key: hit.entry.key, durationMs, rowsIn, rowsOut: hit.entry.rows_out });
}

/**
 * Stores the outputs that are read (written to Parquet in the cache while they are hashed:
 * a stream is drained here, once) and points the run at the stored copies.
 */
export async function saveToCache(state: RunState, node: DagNode, nodeId: string, key: string, rowsIn: () => number): Promise<void> {
  const outputs = Object.fromEntries(readPorts(state, node).flatMap((p) => {
    const art = state.outputs.get(`${node.id}.${p}`);
    return art ? [[p, art] as const] : [];
  }));
  const facts = () => ({ module_id: node.id, name: node.name, package: node.package, version: node.version, rows_in: rowsIn(), globals: moduleGlobals(state, nodeId) });
  const saved = await state.cache!.save(key, outputs, facts);
  for (const [port, art] of Object.entries(saved)) state.outputs.set(`${node.id}.${port}`, art);
  state.bus.emit({ type: 'log', level: 'debug', nodeId, msg: `outputs stored in the cache (key ${key.slice(0, 12)})` });
}

/** Ports someone reads: data connections and ITERATE lists. An entry must hold all of them. */
function readPorts(state: RunState, node: DagNode): string[] {
  const ports = new Set(state.job.dag.data_edges.filter((e) => e.from === node.id).map((e) => e.from_port));
  for (const e of state.job.metadata.control_edges) if (e.kind === 'iterate' && e.from === node.id && e.list_port) ports.add(e.list_port);
  return [...ports].sort();
}

function moduleGlobals(state: RunState, nodeId: string): Record<string, unknown> {
  const prefix = `${nodeId.toLowerCase()}.`;
  const own = Object.entries(state.globals.dump().values).filter(([k]) => k.startsWith(prefix) && !ENGINE_GLOBALS.has(k.slice(prefix.length)));
  return state.redactor.deep(Object.fromEntries(own.map(([k, v]) => [k.slice(prefix.length), v])));
}
