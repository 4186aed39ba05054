import { unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { SORT_KEY_FORMS, sortKeyProblem } from '@pypeline/verbs';
import type { Config } from './config.js';

/** The input's schema; every sort key is checked (its form always, its column when the input is known). */
export function sortSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const input = inputs.input;
  const problems: ConfigIssue[] = [];
  if (config.by.length === 0) problems.push({ key: ['by'], message: 'sort_mod needs at least one column in "by"', hint: `${SORT_KEY_FORMS}, e.g. by: ["country", "amount desc nulls last"]` });
  config.by.forEach((text, i) => {
    const problem = sortKeyProblem(text, 'by', input);
    if (problem) problems.push({ key: ['by', i], ...problem });
  });
  return { outputs: { output: input ?? unknownSchema('its input is unknown') }, problems };
}
