import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { HttpError } from './http-error.js';

export interface ContextProblem {
  path: string;
  message: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Every problem with a run's context at once: values must be scalars (as in a flow's
 * `context:`), and the whole context must match the flow's `context_schema` when it has one.
 */
export function contextProblems(context: Record<string, unknown>, schema: unknown, jobName: string): ContextProblem[] {
  const problems: ContextProblem[] = [];
  for (const [k, v] of Object.entries(context)) {
    if (v !== null && typeof v === 'object') problems.push({ path: `/${k}`, message: 'must be a string, number, boolean or null (context values are scalars)' });
  }
  if (schema === undefined) return problems;
  const validate = compile(schema, jobName);
  if (!validate(context)) problems.push(...(validate.errors ?? []).map(describe));
  return problems;
}

function compile(schema: unknown, jobName: string): ValidateFunction {
  if (typeof schema !== 'object' || schema === null) throw new HttpError(500, `job ${jobName}: context_schema must be a mapping (a JSON Schema)`, { hint: 'fix the flow and rebuild the job' });
  let fn = compiled.get(schema);
  if (!fn) {
    try {
      fn = ajv.compile(schema);
    } catch (err: any) {
      throw new HttpError(500, `job ${jobName} declares a context_schema that is not a valid JSON Schema: ${err?.message ?? err}`, { hint: 'fix the flow and rebuild the job' });
    }
    compiled.set(schema, fn);
  }
  return fn;
}

function describe(e: ErrorObject): ContextProblem {
  if (e.keyword === 'required') return { path: `${e.instancePath}/${e.params.missingProperty}`, message: 'is required' };
  if (e.keyword === 'additionalProperties') return { path: `${e.instancePath}/${e.params.additionalProperty}`, message: 'is not allowed (the context schema does not declare it)' };
  if (e.keyword === 'enum') return { path: e.instancePath || '/', message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  return { path: e.instancePath || '/', message: e.message ?? e.keyword };
}
