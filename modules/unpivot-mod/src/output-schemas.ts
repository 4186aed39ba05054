import { unknownSchema, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import type { Config } from './config.js';
import { configProblems, planUnpivot } from './plan-unpivot.js';

/** The kept columns, then name and value; the columns, the names and the value type checked against the input. */
export function unpivotSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  if (!inputs.input) return { outputs: { output: unknownSchema('its input is unknown') }, problems: configProblems(config) };
  const { plan, problems } = planUnpivot(config, inputs.input);
  return { outputs: { output: plan?.schema ?? unknownSchema('its config has problems') }, problems };
}
