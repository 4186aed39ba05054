import { Field, Schema, Utf8 } from 'apache-arrow';
import { checkValue, parseExpression, type ExprDiagnostic } from '@pypeline/expr';
import { unknownSchema, type ConfigIssue, type EdgeSchema, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import type { Config } from './config.js';

/**
 * The input's columns with each derived column added or replaced in the order written, typed by
 * checkValue against the schema as it stands at that point (as compileColumns does at run
 * time). Without a known input, or after a column whose type comes from a `{{variable}}`, only
 * the syntax of the remaining expressions is checked.
 */
export function deriveSchemas({ config, inputs }: SchemaContext<Config>): SchemaResult {
  const problems: ConfigIssue[] = [];
  let fields: Field[] | undefined = inputs.input ? [...inputs.input.fields] : undefined;
  let output: EdgeSchema | undefined = fields ? undefined : unknownSchema('its input is unknown');
  for (const [name, source] of Object.entries(config.columns)) {
    const issue = (d: ExprDiagnostic): ConfigIssue => ({ key: ['columns', name], message: d.message, hint: d.hint, span: { start: d.start, end: d.end } });
    const { expr, errors } = parseExpression(String(source));
    if (!expr) problems.push(...errors.map(issue));
    if (!expr || !fields) continue;
    const checked = checkValue(expr, new Schema(fields));
    problems.push(...checked.diagnostics.map(issue));
    if (checked.arrowType === null && checked.diagnostics.length === 0) {
      output = unknownSchema(`column "${name}" takes its type from a {{variable}} known only at run time`);
      fields = undefined;
      continue;
    }
    // A column that failed still gets a place (as text), as at run time, so later expressions are checked too.
    const field = new Field(name, checked.arrowType ?? new Utf8(), true);
    const existing = fields.findIndex((f) => f.name === name);
    fields = existing === -1 ? [...fields, field] : fields.map((f, i) => (i === existing ? field : f));
  }
  return { outputs: { output: output ?? new Schema(fields) }, problems };
}
