/** A row as plain values by column name (the stream runtime's `Row`). */
export type TemplateRow = Record<string, unknown>;

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The columns a `{column}` template names, in order of first use. */
export function templateColumns(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * A topic or subject with `{column}` placeholders (`sensors/{site}/{id}`) as a function of the
 * row; undefined when the template has no placeholder, so fixed topics skip the row decoding.
 */
export function topicTemplate(template: string, where: string): ((row: TemplateRow, index: number) => string) | undefined {
  if (templateColumns(template).length === 0) return undefined;
  return (row, index) =>
    template.replace(PLACEHOLDER, (_m, column: string) => {
      const v = row[column];
      if (v === null || v === undefined) {
        throw new Error(`${where}: row ${index} has no value in column "${column}", which the topic "${template}" needs (fill the column, or filter such rows out before the sink)`);
      }
      return v instanceof Date ? v.toISOString() : String(v);
    });
}
