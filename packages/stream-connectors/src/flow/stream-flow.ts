import { join } from 'node:path';
import {
  checkConfig, configProblems, defaultDiscovery, didYouMean, FlowValidationError, findRefs, formatPath, importModule, loadFlowText, ModuleImportError, parseDataEdge, providersFromEnv, resolveConfigTemplates, resolveModule,
  type Diagnostic, type Flow, type LoadedFlow, type RegistryEntry, type TemplateScope,
} from '@pypeline/core';
import type { AnyModuleDefinition } from '@pypeline/sdk';
import { streamApp, type Stream, type StreamApp } from '@pypeline/stream';
import { BUILTIN_SINKS, OPERATORS, type OperatorEntry, type PaletteEntry } from './palette.js';
import { CONNECTORS } from './connectors.js';

/** Every name a YAML stream flow can use, by name. */
export function streamPalette(): Map<string, PaletteEntry> {
  return new Map([...CONNECTORS, ...OPERATORS, ...BUILTIN_SINKS].map((e) => [e.name, e]));
}

export function isStreamFlow(loaded: LoadedFlow): boolean {
  return loaded.flow?.settings.execution_mode === 'stream';
}

/** Batch modules whose work needs the whole input, by the stream module doing it per window. */
const STREAM_COUNTERPARTS: Record<string, string> = { aggregate_mod: 'window_aggregate', join_mod: 'window_join' };

/** An installed batch module (type mod) used in a stream flow: run once per record batch. */
interface ModuleEntry extends OperatorEntry {
  registry: RegistryEntry;
}

function moduleEntry(registry: RegistryEntry): ModuleEntry {
  return {
    name: registry.name, role: 'operator', description: registry.description, config_schema: registry.config_schema, json_schema: registry.json_schema as ModuleEntry['json_schema'],
    inputs: registry.input_ports, outputs: registry.output_ports, registry,
    apply: () => {
      throw new Error('load the module first'); // replaced in streamAppFromFlow, which imports it
    },
  };
}

/** Whose schema checks an entry's configs: an installed module's registry entry (cached by package and version), or the palette entry. */
const ownerOf = (entry: PaletteEntry) => ('registry' in entry ? (entry as ModuleEntry).registry : entry);

interface Checked {
  entries: Map<string, PaletteEntry>;
  edges: Array<{ from: string; fromPort: string; to: string; toPort: string }>;
  diagnostics: Diagnostic[];
}

/** Checks a stream flow against the stream palette; every problem is reported with its line. */
export function checkStreamFlow(loaded: LoadedFlow): Checked {
  const flow = loaded.flow as Flow;
  const palette = streamPalette();
  const diagnostics: Diagnostic[] = [];
  const at = (path: (string | number)[], message: string, hint?: string, severity: 'error' | 'warning' = 'error') => {
    const pos = loaded.doc.locate(path);
    diagnostics.push({ severity, path: formatPath(path), line: pos.line, column: pos.column, message, hint });
  };
  const entries = new Map<string, PaletteEntry>();
  let discovery: ReturnType<typeof defaultDiscovery> | undefined;
  /** Not in the stream palette: an installed transform module with one input runs once per record batch. */
  const installedModule = (name: string, pkg: string | undefined, i: number): ModuleEntry | undefined => {
    const counterpart = STREAM_COUNTERPARTS[name];
    if (counterpart) {
      at(['modules', i, 'name'], `${name} needs its whole input, which a stream never ends; use ${counterpart}, which does its work per event-time window`, `write name: ${counterpart} (the same configs plus a window; see docs/stream-palette.md)`);
      return undefined;
    }
    discovery ??= defaultDiscovery(loaded.file);
    const found = resolveModule(discovery, name, pkg);
    if ('entry' in found && found.entry.type === 'mod' && found.entry.input_ports.length === 1 && found.entry.output_ports.length >= 1) return moduleEntry(found.entry);
    const s = didYouMean(name, [...palette.keys()]);
    const why = 'entry' in found ? ` (the installed module "${name}" is a ${found.entry.type}${found.entry.type === 'mod' ? ` with ${found.entry.input_ports.length} inputs` : ''}; only transform modules with one input run in a stream)` : '';
    at(['modules', i, 'name'], `"${name}" is not available in stream flows${why}${s && !why ? ` (did you mean "${s}"?)` : ''}`, `stream flows use: ${[...palette.keys()].join(', ')}, and installed transform modules (see docs/stream-palette.md)`);
    return undefined;
  };
  flow.modules.forEach((m, i) => {
    const entry = palette.get(m.name) ?? installedModule(m.name, m.package, i);
    if (!entry) return;
    entries.set(m.id, entry);
    // Palette entries and installed modules alike: their schema, core's checker, batch's messages.
    for (const p of checkConfig(m, ownerOf(entry)).problems) at(['modules', i, ...p.path], `${m.id} (${m.name}): ${p.message}`, p.hint, p.severity);
  });

  const edges: Checked['edges'] = [];
  const ids = new Set(flow.modules.map((m) => m.id));
  const inputsTaken = new Map<string, number>();
  const outputsUsed = new Set<string>();
  flow.connections.data.forEach((text, i) => {
    const e = parseDataEdge(text, i);
    if ('message' in e) return at(['connections', 'data', i], e.message, e.hint);
    let ok = true;
    for (const [id, port, dir] of [[e.from, e.from_port, 'out'], [e.to, e.to_port, 'in']] as const) {
      if (!ids.has(id)) {
        at(['connections', 'data', i], `no module "${id}"`, `module ids: ${[...ids].join(', ')}`);
        ok = false;
        continue;
      }
      const entry = entries.get(id);
      if (!entry) continue; // an unknown module, reported above: its ports cannot be checked
      const ports = dir === 'out'
        ? (entry.role === 'source' ? ['data'] : entry.role === 'operator' ? entry.outputs : [])
        : (entry.role === 'sink' ? ['input'] : entry.role === 'operator' ? entry.inputs : []);
      if (!ports.includes(port)) {
        at(['connections', 'data', i], `${entry.name} "${id}" has no ${dir === 'out' ? 'output' : 'input'} port "${port}"`, ports.length ? `its ${dir === 'out' ? 'outputs' : 'inputs'}: ${ports.join(', ')}` : `a ${entry.role} has no ${dir === 'out' ? 'outputs' : 'inputs'}`);
        ok = false;
      }
    }
    const inKey = `${e.to}.${e.to_port}`;
    if (!ok || !entries.has(e.to) || !entries.has(e.from)) {
      // Reported already; count the modules as connected so nothing is reported twice.
      inputsTaken.set(inKey, 1);
      outputsUsed.add(e.from);
      return;
    }
    inputsTaken.set(inKey, (inputsTaken.get(inKey) ?? 0) + 1);
    if (inputsTaken.get(inKey) === 2) at(['connections', 'data', i], `${inKey} already has an input`, 'a port reads from one stream; use another module (e.g. window_join) to combine streams');
    outputsUsed.add(e.from);
    edges.push({ from: e.from, fromPort: e.from_port, to: e.to, toPort: e.to_port });
  });
  flow.modules.forEach((m, i) => {
    const entry = entries.get(m.id);
    if (!entry) return;
    const inputs = entry.role === 'operator' ? entry.inputs : entry.role === 'sink' ? ['input'] : [];
    for (const port of inputs) if (!inputsTaken.has(`${m.id}.${port}`)) at(['modules', i, 'id'], `"${m.id}" has nothing connected to its input "${port}"`, `add a data connection "<module>.<port> - ${m.id}.${port}"`);
    if (entry.role !== 'sink' && !outputsUsed.has(m.id)) at(['modules', i, 'id'], `the output of "${m.id}" goes nowhere`, `connect it to a sink, e.g. "${m.id}.${entry.role === 'source' ? 'data' : 'output'} - <sink>.input"`);
  });
  flow.modules.forEach((m, i) => {
    if (!(entries.get(m.id) && 'registry' in entries.get(m.id)!)) return;
    const ports = new Set(edges.filter((e) => e.from === m.id).map((e) => e.fromPort));
    if (ports.size > 1) at(['modules', i, 'id'], `"${m.id}" runs module ${m.name} per record batch, which continues the stream from one output port, not ${[...ports].join(' and ')}`, 'connect one of its output ports');
  });
  flow.connections.control.forEach((_, i) => at(['connections', 'control', i], 'control connections have no meaning in a stream flow (everything runs at once, until stopped)', 'remove them, or use execution_mode: batch'));
  return { entries, edges, diagnostics };
}

export interface StreamFlowOptions {
  /** Context environment (default `default`). */
  context?: string;
  /** Context values overriding the flow's (`--set`). */
  overrides?: Record<string, unknown>;
}

/**
 * Builds a stream app from a YAML flow with `execution_mode: stream`: modules from the stream
 * palette (connectors, window_aggregate, window_join, console_sink) and installed transform
 * modules (filter_mod, select_mod, … run per record batch), data connections as edges, `{{context.x}}` and `{{secret.x}}` resolved (expressions bind
 * values as literals). Throws FlowValidationError with every problem found.
 */
export async function streamAppFromFlow(file: string, text: string, options: StreamFlowOptions = {}): Promise<StreamApp> {
  const loaded = loadFlowText(file, text);
  if (loaded.diagnostics.some((d) => d.severity === 'error') || !loaded.flow) throw new FlowValidationError(file, loaded.diagnostics);
  const checked = checkStreamFlow(loaded);
  const problems = [...loaded.diagnostics, ...checked.diagnostics];
  if (problems.some((d) => d.severity === 'error')) throw new FlowValidationError(file, problems);
  const flow = loaded.flow;

  const contextName = options.context ?? 'default';
  if (contextName !== 'default' && !flow.context[contextName]) {
    throw new FlowValidationError(file, [{ severity: 'error', path: 'context', line: loaded.doc.locate(['context']).line, column: 1, message: `no context "${contextName}"`, hint: `contexts: ${Object.keys(flow.context).join(', ')}` }]);
  }
  const context = { ...flow.context.default, ...flow.context[contextName], ...options.overrides };
  const secretNames = new Set(findRefs(flow.modules.map((m) => m.configs)).filter((r) => r.ref.kind === 'secret').map((r) => (r.ref as { name: string }).name));
  const secrets = new Map<string, string>();
  const providers = providersFromEnv();
  for (const name of secretNames) {
    for (const p of providers) {
      const v = await p.get(name);
      if (v !== undefined) {
        secrets.set(name, v);
        break;
      }
    }
  }
  const scope: TemplateScope = { context, secrets, global: () => undefined };

  const definitions = new Map<string, AnyModuleDefinition>();
  for (const [id, entry] of checked.entries) {
    if (!('registry' in entry)) continue;
    const r = (entry as ModuleEntry).registry;
    try {
      definitions.set(id, await importModule(join(r.package_dir, r.entry), r.package, r.version));
    } catch (err) {
      if (!(err instanceof ModuleImportError)) throw err;
      throw new FlowValidationError(file, [{ severity: 'error', path: `modules.${id}`, line: 0, column: 0, message: err.message, hint: err.hint }]);
    }
  }

  const app = streamApp(flow.flow.name, { checkpointInterval: flow.settings.checkpoint_interval });
  const outputs = new Map<string, Stream>();
  const done = new Set<string>();
  const pending = [...flow.modules];
  while (pending.length > 0) {
    const idx = pending.findIndex((m) => checked.edges.filter((e) => e.to === m.id).every((e) => done.has(e.from)));
    if (idx < 0) {
      const ids = pending.map((m) => m.id).join(' → ');
      throw new FlowValidationError(file, [{ severity: 'error', path: 'connections.data', line: loaded.doc.locate(['connections', 'data']).line, column: 1, message: `the data connections form a cycle among ${ids}`, hint: 'a stream flows one way: remove the connection that loops back' }]);
    }
    const m = pending.splice(idx, 1)[0];
    const entry = checked.entries.get(m.id)!;
    const index = flow.modules.indexOf(m);
    const config = resolveConfigTemplates({ ...m.configs.optional, ...m.configs.required }, entry.json_schema, scope, `modules.${m.id}.configs`);
    // Templates are only known now: check the resolved configs (and apply defaults) as a batch run does.
    const problems = configProblems(ownerOf(entry), config);
    if (problems.length > 0) {
      const pos = loaded.doc.locate(['modules', index, 'configs']);
      throw new FlowValidationError(file, problems.map((p) => ({ severity: 'error' as const, path: `modules[${index}].configs`, line: pos.line, column: pos.column, message: `${m.id} (${m.name}) after templating: config ${p.message}`, hint: p.hint ?? 'check the context values it uses' })));
    }
    const fail = (e: unknown) => {
      const pos = loaded.doc.locate(['modules', index]);
      return new FlowValidationError(file, [{ severity: 'error', path: `modules[${index}]`, line: pos.line, column: pos.column, message: `${m.name} "${m.id}": ${(e as Error).message}` }]);
    };
    try {
      if (entry.role === 'source') {
        const s = app.source(m.id, entry.create(config), {
          eventTime: config.event_time as string | undefined,
          maxOutOfOrder: config.max_out_of_order as string | number | undefined,
          idleTimeout: config.idle_timeout as string | number | undefined,
        });
        outputs.set(`${m.id}.data`, s);
      } else if (entry.role === 'operator') {
        const edgesIn = checked.edges.filter((e) => e.to === m.id);
        const inputs = Object.fromEntries(edgesIn.map((e) => [e.toPort, outputs.get(`${e.from}.${e.fromPort}`)!]));
        const def = definitions.get(m.id);
        if (def) {
          // One output port is used per module: the one connected onwards.
          const used = checked.edges.find((e) => e.from === m.id)?.fromPort ?? entry.outputs[0];
          outputs.set(`${m.id}.${used}`, inputs[edgesIn[0].toPort].module(def, config, { name: m.id, input: edgesIn[0].toPort, output: used }));
        } else {
          for (const [port, s] of Object.entries(entry.apply(inputs, config, m.id))) outputs.set(`${m.id}.${port}`, s);
        }
      } else {
        const input = checked.edges.find((e) => e.to === m.id)!;
        outputs.get(`${input.from}.${input.fromPort}`)!.to(entry.create(config), { name: m.id });
      }
    } catch (e) {
      if (e instanceof FlowValidationError) throw e;
      throw fail(e);
    }
    done.add(m.id);
  }
  return app;
}

/** Every problem of a YAML stream flow (syntax, schema, palette, configs, connections), and its module count. */
export function validateStreamFlow(file: string, text: string): { ok: boolean; diagnostics: Diagnostic[]; modules: number } {
  const loaded = loadFlowText(file, text);
  if (!loaded.flow || loaded.diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics: loaded.diagnostics, modules: 0 };
  const checked = checkStreamFlow(loaded);
  const diagnostics = [...loaded.diagnostics, ...checked.diagnostics];
  return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics, modules: loaded.flow.modules.length };
}
