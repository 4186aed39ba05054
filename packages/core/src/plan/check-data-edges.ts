import { suggestion } from '../flow/did-you-mean.js';
import type { Flow } from '../flow/types.js';
import type { DataEdge } from './types.js';
import type { ResolvedModule } from './check-modules.js';
import type { Collector } from './collector.js';
import { isSyntaxError, parseDataEdge } from './parse-connections.js';

const NO_DATA_OUT: Record<string, string> = { sink: 'sinks have no data outputs', solo: 'solo modules have no data connections' };
const NO_DATA_IN: Record<string, string> = { source: 'sources have no data inputs', solo: 'solo modules have no data connections' };

/** Parses data connections and checks modules, ports and the category table. */
export function checkDataEdges(flow: Flow, modules: Map<string, ResolvedModule>, out: Collector): DataEdge[] {
  const edges: DataEdge[] = [];
  const ids = flow.modules.map((m) => m.id);
  const known = new Set(ids);
  const feeding = new Map<string, number>();
  // Modules some connection tries to feed, even a broken one: no second "not connected" error for them.
  const targeted = new Set<string>();
  flow.connections.data.forEach((text, index) => {
    const at = ['connections', 'data', index];
    const e = parseDataEdge(text, index);
    if (isSyntaxError(e)) return out.error(at, e.message, e.hint);
    targeted.add(e.to);
    let ok = true;
    for (const [id, end] of [[e.from, 'from'], [e.to, 'to']] as const) {
      if (!known.has(id)) {
        out.error(at, `data connection "${text}": unknown module id "${id}" (${end}).${suggestion(id, ids)}`, `module ids: ${ids.join(', ')}`);
        ok = false;
      }
    }
    const from = modules.get(e.from);
    const to = modules.get(e.to);
    if (!ok || !from || !to) return;
    if (e.from === e.to) return out.error(at, `data connection "${text}" connects ${e.from} to itself`, 'remove it');
    if (NO_DATA_OUT[from.entry.type]) {
      out.error(at, `data connection "${text}" leaves ${e.from}, a ${from.entry.type} (${from.entry.name}); ${NO_DATA_OUT[from.entry.type]}`, 'use a control connection to order it instead');
      ok = false;
    } else if (!from.entry.output_ports.includes(e.from_port)) {
      out.error(at, `${e.from} (${from.entry.name}) has no output port "${e.from_port}".${suggestion(e.from_port, from.entry.output_ports)}`, `its output ports: ${from.entry.output_ports.join(', ')}`);
      ok = false;
    }
    if (NO_DATA_IN[to.entry.type]) {
      out.error(at, `data connection "${text}" goes into ${e.to}, a ${to.entry.type} (${to.entry.name}); ${NO_DATA_IN[to.entry.type]}`, 'use a control connection to order it instead');
      ok = false;
    } else if (!to.entry.input_ports.includes(e.to_port)) {
      out.error(at, `${e.to} (${to.entry.name}) has no input port "${e.to_port}".${suggestion(e.to_port, to.entry.input_ports)}`, `its input ports: ${to.entry.input_ports.join(', ')}`);
      ok = false;
    }
    if (!ok) return;
    const key = `${e.to}.${e.to_port}`;
    const prior = feeding.get(key);
    // A many port (the module's manyInputPorts) takes any number of connections, in this order.
    if (prior !== undefined && !to.entry.many_input_ports?.includes(e.to_port)) {
      return out.error(at, `input port ${key} is already fed by connections.data[${prior}]`, 'an input port takes one connection; add a merge module such as union_mod, or remove one');
    }
    feeding.set(key, index);
    edges.push({ from: e.from, from_port: e.from_port, to: e.to, to_port: e.to_port });
  });

  for (const [id, m] of modules) {
    for (const port of m.entry.input_ports) {
      if (!feeding.has(`${id}.${port}`) && !targeted.has(id)) {
        out.error(['modules', m.index, 'id'], `input port "${port}" of ${id} (${m.entry.name}) is not connected`, `add a data connection "<module>.<port> - ${id}.${port}"`);
      }
    }
  }
  return edges;
}
