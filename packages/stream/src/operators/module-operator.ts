import { pathToFileURL } from 'node:url';
import { RecordBatch, Table } from 'apache-arrow';
import { defaultMemoryBudget, inputKey, isArtifact, MemoryArtifact, type ModuleContext, type ModuleDefinition, type ModuleOutput, type WorkerPool } from '@pypeline/sdk';
import type { StreamLogger } from '../connector.js';
import type { Operator } from './operator.js';
import type { AnyModuleDefinition } from '@pypeline/sdk';

/** Which ports of the module the stream goes through. */
export interface ModulePorts { input: string; output: string }

/** The ports of a `mod` module with one input and one output, or a message saying why not. */
export function modulePorts(def: Pick<ModuleDefinition, 'name' | 'type' | 'inputPorts' | 'outputPorts'>, ports: Partial<ModulePorts> = {}): ModulePorts | string {
  if (def.type !== 'mod') return `module ${def.name} is a ${def.type}; only transform modules (type mod) run inside a stream, once per record batch`;
  const input = ports.input ?? (def.inputPorts?.length === 1 ? def.inputPorts[0] : undefined);
  const output = ports.output ?? (def.outputPorts?.length === 1 ? def.outputPorts[0] : undefined);
  if (!input || !def.inputPorts?.includes(input)) return `module ${def.name} has input ports ${(def.inputPorts ?? []).join(', ') || 'none'}: a stream feeds one of them (choose it with { input: '…' })`;
  if (!output || !def.outputPorts?.includes(output)) return `module ${def.name} has output ports ${(def.outputPorts ?? []).join(', ') || 'none'}: a stream continues from one (choose it with { output: '…' })`;
  if (def.inputPorts.length > 1) return `module ${def.name} reads several inputs (${def.inputPorts.join(', ')}); a stream can feed only modules with one`;
  return { input, output };
}

/** Runs pool tasks in this thread: stream operators already run one batch at a time. */
const inlinePool: WorkerPool = {
  size: 1,
  async run<T>(payload: unknown, task: { filename: string; name?: string }): Promise<T> {
    const url = task.filename.startsWith('file:') ? task.filename : pathToFileURL(task.filename).href;
    const mod = (await import(url)) as Record<string, (p: unknown) => T | Promise<T>>;
    return mod[task.name ?? 'default'](payload);
  },
};

async function* batchesOf(output: ModuleOutput): AsyncIterable<RecordBatch> {
  if (output instanceof Table) yield* output.batches;
  else if (output instanceof RecordBatch) yield output;
  else if (isArtifact(output)) yield* output.batches();
  else if (Array.isArray(output)) yield* output;
  else yield* output as AsyncIterable<RecordBatch>;
}

/**
 * A batch module (`defineModule`, type `mod`) as a stream operator: `run` is called once per
 * record batch with that batch as its input artifact, and every batch of its output goes on.
 * Batches are handled one after another, in order. `setup` runs at open, `teardown` at close.
 */
export function moduleOperator(id: string, def: AnyModuleDefinition, config: Record<string, unknown>, ports: ModulePorts, log?: StreamLogger): Operator {
  let chain: Promise<void> = Promise.resolve();
  const stop = new AbortController();
  const globals = new Map<string, unknown>();
  const say = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => log?.(level, `${id}: ${msg}`, fields);
  const ctx: ModuleContext<Record<string, unknown>> = {
    // Only transforms run here, never sinks: nothing is committed, so nothing needs keying by run.
    runId: `stream:${id}`,
    frame: '0',
    nodeId: `${id}#0`,
    moduleId: id,
    iterIndex: 0,
    iterItem: undefined,
    config,
    logger: { debug: say('debug'), info: say('info'), warn: say('warn'), error: say('error') },
    artifacts: { register: async (data) => (isArtifact(data) ? data : new MemoryArtifact(data instanceof Table ? data : new Table(await collect(data)))) },
    pool: inlinePool,
    signal: stop.signal,
    // A stream operator sees one micro-batch at a time: it never needs to spill.
    memoryBudget: defaultMemoryBudget(),
    tempDir: () => {
      throw new Error(`internal error: ${id} asked for a temp folder in a stream flow, which has none (this is a bug in PYpeline; please report it)`);
    },
    setGlobal: (key, value) => void globals.set(key, value),
    getGlobal: (moduleId, key) => (moduleId === id ? globals.get(key) : undefined),
  };
  // A stream is one connection: on a many port (union_mod's) it is the first and only one.
  const inputAt = def.manyInputPorts?.includes(ports.input) ? inputKey(ports.input, 0) : ports.input;
  return {
    id,
    async open() {
      await def.setup?.(ctx);
    },
    process(batch, _input, emit) {
      chain = chain.then(async () => {
        const outputs = await def.run({ [inputAt]: new MemoryArtifact(new Table([batch])) }, ctx);
        const out = outputs?.[ports.output];
        if (out === undefined) throw new Error(`module ${def.name} returned no output on port "${ports.output}"`);
        for await (const b of batchesOf(out)) if (b.numRows > 0) emit('out', b);
      });
      return chain;
    },
    idle: () => chain.catch(() => {}),
    async close() {
      stop.abort();
      await chain.catch(() => {});
      await def.teardown?.(ctx);
    },
  };
}

async function collect(data: ModuleOutput): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of batchesOf(data)) out.push(b);
  return out;
}
