import { unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { missingColumn } from '@pypeline/verbs';
import type { Config } from './config.js';
import { parseSortKeys, SORT_KEY_FORMS } from './parse-sort-keys.js';

// Direction words people write that sort_mod does not take.
const NEAR_DIRECTION = /^(.*\S)\s+(ascending|descending|dsc|des|dec|up|down|reverse|reversed)$/i;

/** The input's schema; every sort key is checked (its form always, its column when the input is known). */
export function sortSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const input = inputs.input;
  const problems: ConfigIssue[] = [];
  if (config.by.length === 0) problems.push({ key: ['by'], message: 'sort_mod needs at least one column in "by"', hint: SORT_KEY_FORMS });
  else {
    parseSortKeys(config.by, 'last').forEach((key, i) => {
      const text = config.by[i];
      const near = NEAR_DIRECTION.exec(text.trim());
      const columnIsNear = near && (!input || input.names.includes(near[1]));
      if (columnIsNear && !input?.names.includes(key.column)) {
        problems.push({ key: ['by', i], message: `sort key "${text}": "${near[2]}" is not a direction`, hint: `write "${near[1]} ${/^a|up/i.test(near[2]) ? 'asc' : 'desc'}"; ${SORT_KEY_FORMS}` });
        return;
      }
      const problem = input && missingColumn(input, key.column, 'by');
      if (problem) problems.push({ key: ['by', i], message: `sort key "${text}": ${problem}`, hint: `${SORT_KEY_FORMS}; the input's columns are: ${input.names.join(', ')}` });
    });
  }
  return { outputs: { output: input ?? unknownSchema('its input is unknown') }, problems };
}
