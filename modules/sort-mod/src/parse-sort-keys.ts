import type { SortKey } from '@pypeline/verbs';
import { ModuleError } from '@pypeline/sdk';

/** The accepted forms of a sort key, for messages. */
export const SORT_KEY_FORMS = 'a sort key is "column", "column asc" or "column desc", e.g. by: ["country", "amount desc"]';

/** `"amount desc"` → `{ column: 'amount', descending: true }`; the direction word is optional. */
export function parseSortKeys(by: string[], nulls: 'first' | 'last'): SortKey[] {
  if (by.length === 0) throw new ModuleError('sort_mod needs at least one column in "by"', { retryable: false, hint: SORT_KEY_FORMS });
  return by.map((text) => {
    const m = /^(.*?)(?:\s+(asc|desc))?$/i.exec(text.trim())!;
    return { column: m[1], descending: m[2]?.toLowerCase() === 'desc', nulls };
  });
}
