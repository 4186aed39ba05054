import type { ErrorObject, ValidateFunction } from 'ajv';
import { contextValidator, PypeError } from '@pypeline/core';
import { HttpError } from './http-error.js';

export interface ContextProblem {
  path: string;
  message: string;
}

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

// The same validator `pype build` and `pype run` use; a broken schema is the job's fault, not the request's.
function compile(schema: unknown, jobName: string): ValidateFunction {
  try {
    return contextValidator(schema, `job ${jobName}`);
  } catch (err) {
    if (err instanceof PypeError) throw new HttpError(500, err.message, { hint: err.hint });
    throw err;
  }
}

function describe(e: ErrorObject): ContextProblem {
  if (e.keyword === 'required') return { path: `${e.instancePath}/${e.params.missingProperty}`, message: 'is required' };
  if (e.keyword === 'additionalProperties') return { path: `${e.instancePath}/${e.params.additionalProperty}`, message: 'is not allowed (the context schema does not declare it)' };
  if (e.keyword === 'enum') return { path: e.instancePath || '/', message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  return { path: e.instancePath || '/', message: e.message ?? e.keyword };
}
