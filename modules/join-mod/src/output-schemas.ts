import { Schema } from 'apache-arrow';
import { ModuleError, unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { checkKeys } from './check-keys.js';
import { DEFAULTS, type Config } from './config.js';
import { rightColumns } from './output-fields.js';

/** The left columns, then the right ones (as the run names them); the keys are checked against both inputs. */
export function joinSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const { left, right } = inputs;
  if (!left || !right) return { outputs: { output: unknownSchema(`its ${!left ? 'left' : 'right'} input is unknown`) } };
  const { on, suffix } = { ...DEFAULTS, ...config };
  const rightOn = config.right_on ?? on;
  try {
    checkKeys(left, right, on, rightOn);
    const extra = rightColumns(left, right, on, rightOn, suffix);
    return { outputs: { output: new Schema([...left.fields, ...extra.map((c) => c.field)]) } };
  } catch (error) {
    if (!(error instanceof ModuleError)) throw error;
    const problem: ConfigIssue = { key: [/suffix/.test(error.hint ?? '') ? 'suffix' : config.right_on ? 'right_on' : 'on'], message: error.message, hint: error.hint };
    return { outputs: { output: unknownSchema('its keys do not match its inputs') }, problems: [problem] };
  }
}
