import type { Schema } from 'apache-arrow';
import type { AnyModuleDefinition } from '../module.js';
import type { SchemaResult } from '../output-schemas.js';
import { createInProcessPool } from './in-process-pool.js';

/**
 * Calls a module's `outputSchemas` as `pype validate` does, with an in-process pool; a module
 * without the method gives no outputs (every output unknown).
 * @example const { outputs, problems } = await outputSchemasOf(filter, { condition: 'age > 18' }, { input: schema });
 */
export async function outputSchemasOf(def: AnyModuleDefinition, config: Record<string, unknown>, inputs: Record<string, Schema | undefined> = {}, options: { signal?: AbortSignal; allowedRoot?: string } = {}): Promise<SchemaResult> {
  if (!def.outputSchemas) return {};
  return await def.outputSchemas({ config, inputs, signal: options.signal ?? new AbortController().signal, pool: createInProcessPool(), allowedRoot: options.allowedRoot });
}
