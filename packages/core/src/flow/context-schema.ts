import { Ajv, type ValidateFunction } from 'ajv';
import { PypeError } from '../errors.js';
import { explainSchemaErrors, type SchemaProblem } from './schema-errors.js';
import { errorMessage } from '@pypeline/sdk';

// Formats are not checked: a context schema generated from a TypeScript type names none that matter here.
// Made on first use: most flows declare no context_schema (start-up of `pype run`).
let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The validator of a flow's `context_schema` (a JSON Schema, draft-07). Throws a PypeError
 * naming the flow when the schema itself is not valid.
 */
export function contextValidator(schema: unknown, flow: string): ValidateFunction {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new PypeError(`${flow}: context_schema must be a mapping (a JSON Schema)`, { hint: 'write it as a YAML mapping, e.g. { type: object, properties: { ... } }' });
  }
  let fn = compiled.get(schema);
  if (!fn) {
    try {
      fn = (ajv ??= new Ajv({ allErrors: true, strict: false, verbose: true, validateFormats: false })).compile(schema);
    } catch (err) {
      throw new PypeError(`${flow} declares a context_schema that is not a valid JSON Schema: ${errorMessage(err)}`, { hint: 'fix context_schema in the flow and rebuild the job' });
    }
    compiled.set(schema, fn);
  }
  return fn;
}

/** Every way `context` breaks the schema (empty when it fits). */
export function contextProblems(context: Record<string, unknown>, schema: unknown, flow: string): SchemaProblem[] {
  const validate = contextValidator(schema, flow);
  return validate(context) ? [] : explainSchemaErrors(validate.errors ?? [], context);
}

/** Run time: the context of a run (its environment's file with `--set` values over it) must fit the schema. */
export function checkRunContext(context: Record<string, unknown>, schema: unknown, flow: string, env: string): void {
  if (schema === undefined) return;
  const problems = contextProblems(context, schema, flow);
  if (!problems.length) return;
  const lines = problems.map((p) => `  - ${p.path.join('.') || 'context'}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
  throw new PypeError(`the context of this run (environment "${env}" with --set values over it) does not match the flow's context_schema, ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`, {
    hint: 'fix the values with --set key=value or in the flow\'s context, or change context_schema (in a TypeScript flow: the exported Context type) and rebuild',
  });
}
