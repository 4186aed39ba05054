import type { SortKey } from '@pypeline/verbs';
import { ModuleError } from '@pypeline/sdk';

/** `"amount desc"` → `{ column: 'amount', descending: true }`; the direction word is optional. */
export function parseSortKeys(by: string[], nulls: 'first' | 'last'): SortKey[] {
  if (by.length === 0) throw new ModuleError('sort_mod needs at least one column in "by"', { retryable: false, hint: 'e.g. by: ["country", "amount desc"]' });
  return by.map((text) => {
    const m = /^(.*?)(?:\s+(asc|desc))?$/i.exec(text.trim())!;
    return { column: m[1], descending: m[2]?.toLowerCase() === 'desc', nulls };
  });
}
