import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import type { JsonSchema } from '@pypeline/sdk';
import { PACKAGE_ROOT } from '../package-root.js';

/** Where the flow JSON Schema lives (shipped with the package). */
export const FLOW_SCHEMA_PATH = new URL('schema/flow.schema.json', PACKAGE_ROOT);

/**
 * How the flow schema's validator is compiled, here or at build time (scripts/flow-validator.js).
 * validateSchema off: the schema is generated from FlowDocument and checked by flow-schema.test.ts,
 * so compiling JSON Schema's own meta-schema to check it again on every run is start-up time spent for nothing.
 */
export const FLOW_VALIDATOR_OPTIONS: Options = { allErrors: true, strict: false, verbose: true, validateSchema: false };

let compiled: ValidateFunction | undefined;

export function flowSchema(): JsonSchema {
  return JSON.parse(readFileSync(FLOW_SCHEMA_PATH, 'utf8'));
}

export function validateFlowSchema(): ValidateFunction {
  compiled ??= builtValidator() ?? new Ajv(FLOW_VALIDATOR_OPTIONS).compile(flowSchema());
  return compiled;
}

/**
 * The validator the build compiled (dist/flow-validator.cjs), when this code is the build's
 * (dist/); the sources (tests) compile the schema as it is now, since it may have changed since.
 */
function builtValidator(): ValidateFunction | undefined {
  if (!import.meta.url.includes('/dist/')) return undefined;
  try {
    return createRequire(PACKAGE_ROOT)('./dist/flow-validator.cjs') as ValidateFunction;
  } catch {
    return undefined; // built by plain tsc, without the build script
  }
}
