import { readFileSync } from 'node:fs';
import { typeSchema } from './generate-json-schema.js';

/** The type a TypeScript flow exports to declare its context. */
export const CONTEXT_TYPE = 'Context';

const EXPORTS_CONTEXT = new RegExp(`^\\s*export\\s+(?:interface|type)\\s+${CONTEXT_TYPE}\\b`, 'm');

/**
 * The JSON Schema (draft-07) of the `Context` type a flow file exports, or undefined when it
 * exports none. `pype build app.ts` writes it into the job as the flow's `context_schema`.
 * @example export interface Context { data_dir: string; /** @asType integer *\/ batch: number }
 */
export function generateContextSchema(flowFile: string): Record<string, unknown> | undefined {
  if (!EXPORTS_CONTEXT.test(readFileSync(flowFile, 'utf8'))) return undefined;
  const { $schema: _drop, ...schema } = typeSchema(flowFile, CONTEXT_TYPE);
  return schema;
}
