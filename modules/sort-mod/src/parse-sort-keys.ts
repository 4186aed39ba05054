import type { SortKey } from '@pypeline/verbs';
import { ModuleError } from '@pypeline/sdk';

/** The accepted forms of a sort key, for messages. */
export const SORT_KEY_FORMS = 'a sort key is "column", "column asc" or "column desc", optionally followed by "nulls first" or "nulls last", e.g. by: ["country", "amount desc nulls last"]';

/**
 * `"amount desc nulls first"` → `{ column: 'amount', descending: true, nulls: 'first' }`; the
 * direction and the nulls clause are optional, and a key without its own nulls clause takes
 * `nulls` (the module's `nulls` setting).
 */
export function parseSortKeys(by: string[], nulls: 'first' | 'last'): SortKey[] {
  if (by.length === 0) throw new ModuleError('sort_mod needs at least one column in "by"', { retryable: false, hint: SORT_KEY_FORMS });
  return by.map((text) => {
    const m = /^(.*?)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(text.trim())!;
    return { column: m[1], descending: m[2]?.toLowerCase() === 'desc', nulls: (m[3]?.toLowerCase() as 'first' | 'last' | undefined) ?? nulls };
  });
}
