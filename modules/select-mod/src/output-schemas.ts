import { Schema } from 'apache-arrow';
import { unknownSchema, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { outputField, selectColumns } from './plan-selection.js';

/** The selected, renamed and cast columns, computed as the run computes them; every unknown name is a problem. */
export function selectSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const input = inputs.input;
  if (!input) return { outputs: { output: unknownSchema('its input is unknown') } };
  const { selected, problems } = selectColumns(input, { ...DEFAULTS, ...config });
  const hint = `the input's columns are: ${input.names.join(', ')}`;
  const fields = selected.map((c) => outputField(input.fields[c.index], c));
  return { outputs: { output: new Schema(fields) }, problems: problems.map((p) => ({ ...p, hint })) };
}
