import { checkExpression, parseExpression, type ExprDiagnostic } from '@pypeline/expr';
import { unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import type { Config } from './config.js';

/** The output has the input's schema; the condition is parsed, and checked when the input is known. */
export function filterSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const { expr, errors } = parseExpression(config.condition);
  const input = inputs.input;
  const diagnostics = expr && input ? checkExpression(expr, input) : errors;
  return { outputs: { output: input ?? unknownSchema('its input is unknown') }, problems: diagnostics.map((d) => conditionIssue(d)) };
}

function conditionIssue(d: ExprDiagnostic): ConfigIssue {
  return { key: ['condition'], message: d.message, hint: d.hint, span: { start: d.start, end: d.end } };
}
