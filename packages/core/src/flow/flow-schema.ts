import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonSchema } from '@pypeline/sdk';
import { PACKAGE_ROOT } from '../package-root.js';

/** Where the flow JSON Schema lives (shipped with the package). */
export const FLOW_SCHEMA_PATH = new URL('schema/flow.schema.json', PACKAGE_ROOT);

let compiled: ValidateFunction | undefined;

export function flowSchema(): JsonSchema {
  return JSON.parse(readFileSync(FLOW_SCHEMA_PATH, 'utf8'));
}

export function validateFlowSchema(): ValidateFunction {
  // validateSchema off: the schema is generated from FlowDocument and checked by flow-schema.test.ts,
  // so compiling JSON Schema's own meta-schema to check it again on every run is start-up time spent for nothing.
  compiled ??= new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false }).compile(flowSchema());
  return compiled;
}
