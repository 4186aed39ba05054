import type { Schema } from 'apache-arrow';
import { suggestName } from '@pypeline/expr';

/**
 * Why `schema` cannot serve the column `name` that `where` names (with the nearest name, when
 * one is close), or undefined when it has it. Modules check config column names against an
 * input schema with it, before the run and during it, in the same words.
 * @example missingColumn(schema, 'amnt', 'by') // 'by names column "amnt", which the input does not have (did you mean "amount"?)'
 */
export function missingColumn(schema: Schema, name: string, where: string): string | undefined {
  const names = schema.names as string[];
  if (names.includes(name)) return undefined;
  const near = suggestName(name, names);
  return `${where} names column "${name}", which the input does not have${near ? ` (did you mean "${near}"?)` : ''}`;
}
