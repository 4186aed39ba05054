import { unknownSchema, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import type { Config } from './config.js';
import { pivotSchema, planPivot } from './plan-pivot.js';

/** Known before the run when the pivot values are listed; read from the data otherwise. */
export function pivotSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const { plan, problems } = planPivot(config, inputs.input);
  if (!plan || !inputs.input) return { outputs: { output: unknownSchema(inputs.input ? 'its config has problems' : 'its input is unknown') }, problems };
  if (!config.values) return { outputs: { output: unknownSchema('the pivot values are read from the data: list them in values to know the columns before the run') }, problems };
  const { schema, problems: more } = pivotSchema(plan, inputs.input, config.values.map(String));
  return { outputs: { output: schema ?? unknownSchema('its config has problems') }, problems: [...problems, ...more] };
}
