import type { Schema } from 'apache-arrow';
import { inputList, unknownSchema, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { planUnion } from './plan-union.js';

/** The stacked schema once every input's is known; a type clash or a column count that differs is reported then. */
export function unionSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const schemas = inputList(inputs, 'inputs');
  const unknown = schemas.findIndex((s) => s === undefined);
  if (schemas.length === 0 || unknown >= 0) return { outputs: { output: unknownSchema(schemas.length ? `inputs[${unknown}] is unknown` : 'no input is connected') } };
  const { plan, problems } = planUnion(schemas as Schema[], config.by_name ?? DEFAULTS.by_name);
  return { outputs: { output: plan?.schema ?? unknownSchema('its inputs do not stack') }, problems };
}
