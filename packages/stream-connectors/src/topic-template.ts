import type { Row } from '@pypeline/stream';

const PLACEHOLDER = /\{([^{}]+)\}/g;

/**
 * A topic or subject with `{column}` placeholders (`sensors/{site}/{id}`) as a function of the
 * row; undefined when the template has no placeholder, so fixed topics skip the row decoding.
 */
export function topicTemplate(template: string, where: string): ((row: Row, index: number) => string) | undefined {
  if (!/\{[^{}]+\}/.test(template)) return undefined;
  return (row, index) =>
    template.replace(PLACEHOLDER, (_m, column: string) => {
      const v = row[column];
      if (v === null || v === undefined) {
        throw new Error(`${where}: row ${index} has no value in column "${column}", which the topic "${template}" needs (fill the column, or filter such rows out before the sink)`);
      }
      return v instanceof Date ? v.toISOString() : String(v);
    });
}
