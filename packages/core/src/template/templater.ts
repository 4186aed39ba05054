import { PypeError } from '../errors.js';
import { classifyRef, TEMPLATE_REF } from './references.js';

export interface TemplateScope {
  context: Record<string, unknown>;
  /** Secrets resolved for this run. */
  secrets?: ReadonlyMap<string, string>;
  /** The innermost ITERATE loop, when there is one. */
  iter?: { index: number; item: unknown };
  global(moduleId: string, variable: string): unknown;
}

/** Resolves `{{context.x}}` and `{{module__var}}` in a config at run time. */
export function resolveTemplates(value: unknown, scope: TemplateScope, where: string): unknown {
  if (typeof value === 'string') return resolveString(value, scope, where);
  if (Array.isArray(value)) return value.map((v, i) => resolveTemplates(v, scope, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, scope, `${where}.${k}`)]));
  }
  return value;
}

/** Looks up one reference; throws a PypeError naming the variable and where it was used. */
export function lookupRef(name: string, scope: TemplateScope, where: string): unknown {
  const ref = classifyRef(name);
  if (ref.kind === 'context') {
    if (!(ref.name in scope.context)) {
      throw new PypeError(`unresolved variable {{context.${ref.name}}} in ${where}: the context has no "${ref.name}"`, {
        hint: `define "${ref.name}" in the flow's context section or the chosen context file`,
      });
    }
    return scope.context[ref.name];
  }
  if (ref.kind === 'secret') {
    const v = scope.secrets?.get(ref.name);
    if (v === undefined) throw new PypeError(`secret "${ref.name}" used in ${where} was not resolved`, { hint: `set PYPE_SECRET_${ref.name.toUpperCase()} or configure a secret provider` });
    return v;
  }
  if (ref.kind === 'iter') {
    if (!scope.iter) {
      throw new PypeError(`{{${name}}} in ${where} is only defined inside an ITERATE loop`, { hint: 'reach this module through an (iterate|) control connection' });
    }
    if (ref.part === 'index') return scope.iter.index;
    if (ref.field === undefined) return scope.iter.item;
    const item = scope.iter.item as Record<string, unknown> | null;
    if (item === null || typeof item !== 'object' || !(ref.field in item)) {
      throw new PypeError(`{{${name}}} in ${where}: the current item has no field "${ref.field}"`, {
        hint: item && typeof item === 'object' ? `its fields: ${Object.keys(item).join(', ')}` : 'the item is not a row',
      });
    }
    return item[ref.field];
  }
  if (ref.kind === 'global') {
    const v = scope.global(ref.moduleId, ref.variable);
    if (v === undefined) {
      throw new PypeError(`unresolved variable {{${name}}} in ${where}: ${ref.moduleId} has not set "${ref.variable}"`, {
        hint: `make sure ${ref.moduleId} runs before this module (a control connection) and sets ${ref.variable}`,
      });
    }
    return v;
  }
  throw new PypeError(`"{{${name}}}" in ${where} is not a variable reference`, { hint: 'use {{context.name}}, {{module_id__variable}} or {{iter.item.field}}' });
}

/**
 * Resolves templates in an expression (a field with `format: expression`): every value goes in
 * as a literal of the expression language, so a quote in a value cannot change the expression.
 */
export function resolveExpressionTemplates(text: string, scope: TemplateScope, where: string): string {
  return text.replace(TEMPLATE_REF, (_, name: string) => toLiteral(lookupRef(name, scope, where)));
}

function toLiteral(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function resolveString(text: string, scope: TemplateScope, where: string): unknown {
  const whole = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(text);
  // A value that is one reference keeps the referenced type (a number stays a number).
  if (whole) return lookupRef(whole[1], scope, where);
  return text.replace(TEMPLATE_REF, (_, name: string) => String(lookupRef(name, scope, where)));
}
