import { unknownSchema, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import type { Config } from './config.js';
import { planJoin } from './plan-join.js';

/** The output schema as the run lays it out; the keys and the condition are checked against both inputs. */
export function joinSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const { left, right } = inputs;
  if (!left || !right) return { outputs: { output: unknownSchema(`its ${!left ? 'left' : 'right'} input is unknown`) } };
  const { plan, problems } = planJoin(left, right, config);
  if (plan) return { outputs: { output: plan.layout.schema } };
  return { outputs: { output: unknownSchema('its config does not match its inputs') }, problems: problems.map((p) => ({ key: [p.key], message: p.message })) };
}
