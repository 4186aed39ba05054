import { Table, type RecordBatch } from 'apache-arrow';
import type { Artifact } from '../artifact.js';
import type { ModuleDefinition, ModuleInputs } from '../module.js';
import { isArtifact, MemoryArtifact, toTable } from '../memory-artifact.js';
import { createTestContext, type TestContext, type TestContextOptions } from './create-test-context.js';

export interface RunModuleOptions<C> extends TestContextOptions<C> {
  /** Data on each input port: a table, record batches, or an artifact. */
  inputs?: Record<string, Table | RecordBatch[] | Artifact>;
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
  const problems: string[] = [];
  for (const port of declared) if (!(port in given)) problems.push(`input port "${port}" has no data`);
  for (const port of Object.keys(given)) if (!declared.includes(port)) problems.push(`"${port}" is not an input port`);
  if (problems.length) {
    throw new Error(`runModule(${def.name}): ${problems.join('; ')}. Its input ports are [${declared.join(', ')}]`);
  }
  const inputs: ModuleInputs = {};
  for (const [port, data] of Object.entries(given)) {
    inputs[port] = isArtifact(data) ? data : new MemoryArtifact(Array.isArray(data) ? new Table(data) : data);
  }
  return inputs;
}
