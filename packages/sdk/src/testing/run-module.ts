import { Table, type RecordBatch } from 'apache-arrow';
import type { Artifact } from '../artifact.js';
import { inputKey } from '../inputs.js';
import type { ModuleDefinition, ModuleInputs } from '../module.js';
import { isArtifact, MemoryArtifact, toTable } from '../memory-artifact.js';
import { createTestContext, type TestContext, type TestContextOptions } from './create-test-context.js';

/** What a test gives one input connection. */
export type TestInput = Table | RecordBatch[] | Artifact;

export interface RunModuleOptions<C> extends TestContextOptions<C> {
  /**
   * Data on each input port: a table, record batches, or an artifact; on a many input port
   * (`manyInputPorts`) a list of them, one per connection, in connection order.
   */
  inputs?: Record<string, TestInput | TestInput[]>;
}

export interface RunModuleResult<C> {
  /** Every output port's data collected into one table. */
  outputs: Record<string, Table>;
  /** The context the module ran with: logs, globals and pool runs to assert on. */
  ctx: TestContext<C>;
}

/**
 * Runs a module as the engine would, on the calling thread: `setup`, `run`, then `teardown`
 * (always, even when `run` throws). The inputs must match the definition's input ports and
 * the outputs its output ports, so a test fails on a port mismatch the planner would refuse.
 */
export async function runModule<C>(def: ModuleDefinition<C>, options: RunModuleOptions<C>): Promise<RunModuleResult<C>> {
  const inputs = wrapInputs(def, options.inputs ?? {});
  const ctx = createTestContext<C>(options);
  let returned: Awaited<ReturnType<ModuleDefinition<C>['run']>>;
  try {
    await def.setup?.(ctx);
    returned = await def.run(inputs, ctx);
  } finally {
    await def.teardown?.(ctx);
  }
  const outputs: Record<string, Table> = {};
  const declared = def.outputPorts ?? [];
  const produced = returned ?? {};
  for (const port of Object.keys(produced)) {
    if (!declared.includes(port)) {
      throw new Error(`${def.name} returned output "${port}", which is not in outputPorts [${declared.join(', ')}]: declare it or stop returning it`);
    }
  }
  for (const port of declared) {
    const data = produced[port];
    if (data === undefined) throw new Error(`${def.name} returned nothing on output port "${port}": return { ${port}: <table> } from run`);
    outputs[port] = await toTable(data);
  }
  return { outputs, ctx };
}

function wrapInputs<C>(def: ModuleDefinition<C>, given: NonNullable<RunModuleOptions<C>['inputs']>): ModuleInputs {
  const declared = def.inputPorts ?? [];
  const many = new Set(def.manyInputPorts ?? []);
  const problems: string[] = [];
  for (const port of declared) if (!(port in given)) problems.push(`input port "${port}" has no data`);
  for (const port of Object.keys(given)) if (!declared.includes(port)) problems.push(`"${port}" is not an input port`);
  for (const port of many) {
    const list = given[port];
    if (list !== undefined && (!Array.isArray(list) || list.length === 0 || list.some((x) => !Array.isArray(x) && !(x instanceof Table) && !isArtifact(x)))) {
      problems.push(`"${port}" takes many connections: give it a non-empty list of inputs, e.g. [tableA, tableB]`);
    }
  }
  if (problems.length) {
    throw new Error(`runModule(${def.name}): ${problems.join('; ')}. Its input ports are [${declared.join(', ')}]`);
  }
  const inputs: ModuleInputs = {};
  for (const [port, data] of Object.entries(given)) {
    if (many.has(port)) (data as TestInput[]).forEach((one, i) => (inputs[inputKey(port, i)] = wrap(one)));
    else inputs[port] = wrap(data as TestInput);
  }
  return inputs;
}

function wrap(data: TestInput): Artifact {
  return isArtifact(data) ? data : new MemoryArtifact(Array.isArray(data) ? new Table(data) : data);
}
