import { unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { missingColumn } from '@pypeline/verbs';
import type { Config } from './config.js';

/** Both ports carry the input's schema; every key the input does not have is reported. */
export function distinctSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const input = inputs.input;
  if (!input) return { outputs: { output: unknownSchema('its input is unknown'), duplicates: unknownSchema('its input is unknown') } };
  const problems: ConfigIssue[] = [];
  (config.keys ?? []).forEach((name, i) => {
    const problem = missingColumn(input, name, 'keys');
    if (problem) problems.push({ key: ['keys', i], message: problem, hint: `the input's columns are: ${input.names.join(', ')}` });
  });
  if (config.keys?.length === 0) problems.push({ key: ['keys'], message: 'keys is empty', hint: 'name key columns, or leave keys out to compare whole rows' });
  return { outputs: { output: input, duplicates: input }, problems };
}
