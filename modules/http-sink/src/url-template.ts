import type { Data, Field, Schema } from 'apache-arrow';
import { jsonEncoder } from '@pypeline/verbs';

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The columns a URL template names, in order, each once. */
export function templateColumns(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Row `i`'s URL, or why it has none (a column the template needs is null). */
export type UrlOf = (columns: readonly Data[], i: number) => { url: string } | { missing: string };

/**
 * Fills `{column}` placeholders from a row: each value as its JSON text (strings unquoted, dates
 * as ISO text, exact 64-bit integers), URL-encoded. Throws when a column is not in `schema`.
 */
export function urlTemplate(template: string, schema: Schema): UrlOf {
  const names = templateColumns(template);
  const fields = names.map((name) => {
    const index = schema.fields.findIndex((f) => f.name === name);
    if (index < 0) throw new Error(`url names column "${name}", which the input does not have`);
    return { name, index, text: textOf(schema.fields[index]) };
  });
  if (fields.length === 0) return () => ({ url: template });
  return (columns, i) => {
    const values = new Map<string, string>();
    for (const f of fields) {
      if (!columns[f.index].getValid(i)) return { missing: f.name };
      values.set(f.name, encodeURIComponent(f.text(columns[f.index], i)));
    }
    return { url: template.replace(PLACEHOLDER, (_m, name: string) => values.get(name) ?? '') };
  };
}

function textOf(field: Field): (data: Data, i: number) => string {
  const encode = jsonEncoder(field);
  return (data, i) => {
    const json = encode(data, i);
    return json.startsWith('"') ? (JSON.parse(json) as string) : json;
  };
}
