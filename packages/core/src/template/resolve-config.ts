import { PypeError } from '../errors.js';
import { bindMysqlTemplates } from './mysql-templates.js';
import { bindSqlTemplates } from './sql-templates.js';
import { resolveExpressionTemplates, resolveTemplates, type TemplateScope } from './templater.js';
import type { JsonSchema } from '@pypeline/sdk';

/**
 * A module's configs with their templates resolved. Fields its JSON Schema marks
 * `format: expression` (text, or a map of texts) bind template values as literals, never as
 * expression text. Fields marked `format: sql` bind them as query parameters: `$n`
 * placeholders whose values are appended to the module's `params` list (templates inside
 * double-quoted identifiers are quoted instead; see bindSqlTemplates); `format: sql-mysql` binds
 * them as `?` placeholders in MySQL's dialect (bindMysqlTemplates). Every other value takes
 * the template's value. `where` names the module's configs in messages, e.g. `load.configs`.
 */
export function resolveConfigTemplates(config: Record<string, unknown>, jsonSchema: JsonSchema, scope: TemplateScope, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sql: [string, 'sql' | 'sql-mysql'][] = [];
  for (const [key, value] of Object.entries(config)) {
    const at = `${where}.${key}`;
    const prop = jsonSchema.properties?.[key];
    if ((prop?.format === 'sql' || prop?.format === 'sql-mysql') && typeof value === 'string') sql.push([key, prop.format]);
    else if (prop?.format === 'expression' && typeof value === 'string') out[key] = resolveExpressionTemplates(value, scope, at);
    else if (typeof prop?.additionalProperties === 'object' && prop.additionalProperties.format === 'expression' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? resolveExpressionTemplates(v, scope, `${at}.${k}`) : v]));
    } else out[key] = resolveTemplates(value, scope, at);
  }
  // After the other fields, so the placeholders are numbered after the params the flow lists itself.
  for (const [key, dialect] of sql) bindSql(out, key, config[key] as string, dialect, 'params' in (jsonSchema.properties ?? {}), scope, `${where}.${key}`);
  return out;
}

function bindSql(out: Record<string, unknown>, key: string, text: string, dialect: 'sql' | 'sql-mysql', hasParams: boolean, scope: TemplateScope, where: string): void {
  const params = out.params ?? [];
  if (!Array.isArray(params)) throw new PypeError(`${where.replace(/[^.]+$/, 'params')} must be a list after templating`, { hint: 'list the values: params: ["{{context.a}}", 2]' });
  const noParams = () => new PypeError(`${where} holds templates, but its module has no params field to bind them to`, { hint: `this is a bug in the module: a \`@format ${dialect}\` field needs a \`params\` list beside it` });
  if (dialect === 'sql-mysql') {
    const bound = bindMysqlTemplates(text, scope, where, params);
    out[key] = bound.text;
    if (bound.params === params) return;
    if (!hasParams) throw noParams();
    out.params = bound.params;
    return;
  }
  const { text: bound, values } = bindSqlTemplates(text, scope, where, params.length + 1);
  out[key] = bound;
  if (!values.length) return;
  if (!hasParams) throw noParams();
  out.params = [...params, ...values];
}
