import { clientProblems, urlProblems } from '@pypeline/http';
import type { ConfigIssue } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { parsePath } from './json-path.js';

type Pagination = NonNullable<Config['pagination']>;

/** The keys that belong to each pagination style (and only to it). */
const PAGING_KEYS: Partial<Record<keyof Config, Pagination[]>> = {
  total_path: ['page', 'offset'],
  cursor_path: ['cursor'],
  next_path: ['next_link'],
};

/** Every problem of an http_source config that the JSON Schema cannot see, each with its key and fix. */
export function sourceProblems(config: Config): ConfigIssue[] {
  const c = { ...DEFAULTS, ...config };
  const problems = [...urlProblems(c.url, 'url'), ...clientProblems(c)];
  if (c.pagination === 'cursor' && !c.cursor_path) problems.push({ key: ['cursor_path'], message: 'pagination: cursor needs cursor_path', hint: 'set cursor_path to where the answer holds the next cursor, e.g. meta.next_cursor' });
  if (c.pagination === 'next_link' && !c.next_path) problems.push({ key: ['next_path'], message: 'pagination: next_link needs next_path', hint: 'set next_path to where the answer holds the next page\'s URL, e.g. links.next' });
  for (const [key, styles] of Object.entries(PAGING_KEYS) as [keyof Config, Pagination[]][]) {
    if (c[key] !== undefined && !styles.includes(c.pagination)) {
      problems.push({ key: [key], message: `${key} is used with pagination: ${styles.join(' or ')}, not ${c.pagination}`, hint: `set pagination: ${styles[0]}, or remove ${key}` });
    }
  }
  if ((c.page_size === undefined) !== (c.page_size_param === undefined)) {
    const missing = c.page_size === undefined ? 'page_size' : 'page_size_param';
    problems.push({ key: [missing], message: `page_size and page_size_param go together: ${missing} is missing`, hint: missing === 'page_size' ? 'set page_size, e.g. 100' : 'set page_size_param to the API\'s parameter, e.g. per_page or limit' });
  }
  if (c.method === 'GET' && c.body !== undefined) problems.push({ key: ['body'], message: 'a GET request sends no body', hint: 'set method: POST, or remove body' });
  for (const key of ['records_path', 'total_path', 'cursor_path', 'next_path'] as const) {
    const path = c[key];
    if (path === undefined) continue;
    try {
      parsePath(path);
    } catch (error) {
      problems.push({ key: [key], message: (error as Error).message });
    }
  }
  return problems;
}
