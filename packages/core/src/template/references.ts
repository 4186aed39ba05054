/** `{{ name }}` anywhere in a string. */
export const TEMPLATE_REF = /\{\{\s*([^{}]*?)\s*\}\}/g;

export type TemplateRef =
  | { kind: 'context'; name: string; text: string }
  /** `secret.name`: resolved at run time only, never written anywhere. */
  | { kind: 'secret'; name: string; text: string }
  | { kind: 'global'; moduleId: string; variable: string; text: string }
  /** `iter.index`, `iter.item`, `iter.item.<field>`: the current ITERATE loop. */
  | { kind: 'iter'; part: 'index' | 'item'; field?: string; text: string }
  | { kind: 'invalid'; text: string };

/** Classifies a reference name: `context.x` or `module_id__Var`. */
export function classifyRef(name: string): TemplateRef {
  const text = name;
  if (name.startsWith('context.')) {
    const v = name.slice('context.'.length);
    return /^[A-Za-z_][\w]*$/.test(v) ? { kind: 'context', name: v, text } : { kind: 'invalid', text };
  }
  if (name.startsWith('secret.')) {
    const v = name.slice('secret.'.length);
    return /^[A-Za-z_][\w-]*$/.test(v) ? { kind: 'secret', name: v, text } : { kind: 'invalid', text };
  }
  const iter = /^iter\.(index|item)(?:\.([A-Za-z_][\w]*))?$/.exec(name);
  if (iter && !(iter[1] === 'index' && iter[2])) return { kind: 'iter', part: iter[1] as 'index' | 'item', field: iter[2], text };
  const sep = name.indexOf('__');
  if (sep > 0 && sep < name.length - 2) return { kind: 'global', moduleId: name.slice(0, sep), variable: name.slice(sep + 2), text };
  return { kind: 'invalid', text };
}

/** Every reference in a config value (walking nested objects and lists), with its path. */
export function findRefs(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; ref: TemplateRef }[] {
  const out: { path: (string | number)[]; ref: TemplateRef }[] = [];
  if (typeof value === 'string') {
    for (const m of value.matchAll(TEMPLATE_REF)) out.push({ path, ref: classifyRef(m[1]) });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...findRefs(v, [...path, i])));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...findRefs(v, [...path, k]));
  }
  return out;
}

export function hasTemplate(value: unknown): boolean {
  return typeof value === 'string' && /\{\{[^{}]*\}\}/.test(value);
}
