import type { Schema } from 'apache-arrow';
import { missingColumn } from './missing-column.js';
import type { SortKey } from './sort-indices.js';

/** The accepted forms of a sort key, for messages. */
export const SORT_KEY_FORMS = 'a sort key is "column", "column asc" or "column desc", optionally followed by "nulls first" or "nulls last", e.g. "amount desc nulls last"';

// Direction words people write that no sort key takes.
const NEAR_DIRECTION = /^(.*\S)\s+(ascending|descending|dsc|des|dec|up|down|reverse|reversed)$/i;

/**
 * `"amount desc nulls first"` → `{ column: 'amount', descending: true, nulls: 'first' }`; the
 * direction and the nulls clause are optional, and a key without its own nulls clause takes
 * `nulls` (the module's default). sort_mod's `by` and window_mod's `order_by` read keys with it.
 */
export function parseSortKey(text: string, nulls: 'first' | 'last'): SortKey {
  const m = /^(.*?)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(text.trim())!;
  return { column: m[1], descending: m[2]?.toLowerCase() === 'desc', nulls: (m[3]?.toLowerCase() as 'first' | 'last' | undefined) ?? nulls };
}

export function parseSortKeys(texts: readonly string[], nulls: 'first' | 'last'): SortKey[] {
  return texts.map((text) => parseSortKey(text, nulls));
}

/**
 * What is wrong with the sort key `text` of the config list `where` (e.g. `by`): a direction
 * word it does not take (`amount descending`) always, a column `input` lacks when the input
 * is known; undefined when it is fine. The message starts with `sort key "<text>": `.
 */
export function sortKeyProblem(text: string, where: string, input?: Schema): { message: string; hint: string } | undefined {
  const key = parseSortKey(text, 'last');
  const near = NEAR_DIRECTION.exec(text.trim());
  if (near && (!input || input.names.includes(near[1])) && !input?.names.includes(key.column)) {
    return { message: `sort key "${text}": "${near[2]}" is not a direction`, hint: `write "${near[1]} ${/^a|up/i.test(near[2]) ? 'asc' : 'desc'}"; ${SORT_KEY_FORMS}` };
  }
  const problem = input && missingColumn(input, key.column, where);
  return problem ? { message: `sort key "${text}": ${problem}`, hint: `${SORT_KEY_FORMS}; the input's columns are: ${input.names.join(', ')}` } : undefined;
}
