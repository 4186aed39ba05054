import { PypeError } from '../errors.js';
import { bindSqlTemplates } from './sql-templates.js';
import { resolveExpressionTemplates, resolveTemplates, type TemplateScope } from './templater.js';
import type { JsonSchema } from '@pypeline/sdk';

/**
 * A module's configs with their templates resolved. Fields its JSON Schema marks
 * `format: expression` (text, or a map of texts) bind template values as literals, never as
 * expression text. Fields marked `format: sql` bind them as query parameters: `$n`
 * placeholders whose values are appended to the module's `params` list (templates inside
 * double-quoted identifiers are quoted instead; see bindSqlTemplates). Every other value takes
 * the template's value. `where` names the module's configs in messages, e.g. `load.configs`.
 */
export function resolveConfigTemplates(config: Record<string, unknown>, jsonSchema: JsonSchema, scope: TemplateScope, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sql: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const at = `${where}.${key}`;
    const prop = jsonSchema.properties?.[key];
    if (prop?.format === 'sql' && typeof value === 'string') sql.push(key);
    else if (prop?.format === 'expression' && typeof value === 'string') out[key] = resolveExpressionTemplates(value, scope, at);
    else if (typeof prop?.additionalProperties === 'object' && prop.additionalProperties.format === 'expression' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? resolveExpressionTemplates(v, scope, `${at}.${k}`) : v]));
    } else out[key] = resolveTemplates(value, scope, at);
  }
  // After the other fields, so the placeholders are numbered after the params the flow lists itself.
  for (const key of sql) bindSql(out, key, config[key] as string, 'params' in (jsonSchema.properties ?? {}), scope, `${where}.${key}`);
  return out;
}

function bindSql(out: Record<string, unknown>, key: string, text: string, hasParams: boolean, scope: TemplateScope, where: string): void {
  const params = out.params ?? [];
  if (!Array.isArray(params)) throw new PypeError(`${where.replace(/[^.]+$/, 'params')} must be a list after templating`, { hint: 'list the values: params: ["{{context.a}}", 2]' });
  const { text: bound, values } = bindSqlTemplates(text, scope, where, params.length + 1);
  out[key] = bound;
  if (!values.length) return;
  if (!hasParams) throw new PypeError(`${where} holds templates, but its module has no params field to bind them to`, { hint: 'this is a bug in the module: a `@format sql` field needs a `params` list beside it' });
  out.params = [...params, ...values];
}
