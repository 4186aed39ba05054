import { bodyExcerpt, rateLimiter, requestAuth, retryPolicy, send, statusError, type HttpAnswer, type HttpRequest, type SendOptions } from '@pypeline/http';
import { ModuleError, parseJsonText, type JsonRecord } from '@pypeline/sdk';
import type { ALL_DEFAULTS, Config } from './config.js';
import { arrayPaths, parsePath, valueAt } from './json-path.js';
import { nextLink } from './link-header.js';

/** A config with every default filled in. */
export type SourceConfig = Config & Required<Pick<Config, keyof typeof ALL_DEFAULTS>>;

/** One page: its number (1-based), URL and records. */
export interface Page {
  number: number;
  url: string;
  records: Record<string, unknown>[];
}

export interface ReadOptions {
  where: string;
  signal?: AbortSignal;
  /** Told before each retry. */
  onRetry?: SendOptions['onRetry'];
}

/**
 * Requests page after page as `pagination` says and yields each page's records, until an empty
 * page, the end of the links or cursors, the total, or `max_pages`. A next URL already requested
 * fails the read (the API would loop forever).
 */
export async function* readPages(c: SourceConfig, options: ReadOptions): AsyncGenerator<Page> {
  const policy = retryPolicy(c);
  const sendOptions: SendOptions = { ...policy, where: options.where, signal: options.signal, limiter: rateLimiter(c), auth: requestAuth(c, options.where, policy), onRetry: options.onRetry };
  const recordsPath = parsePath(c.records_path);
  const requested = new Set<string>();
  let url: string | undefined = firstUrl(c);
  let read = 0;
  for (let number = 1; url !== undefined; number++) {
    if (requested.has(url)) {
      throw new ModuleError(`${options.where}: page ${number} would request ${url} again, which an earlier page already read`, { retryable: false, hint: 'the API returned the same link or cursor twice: check cursor_path, next_path or the pagination style' });
    }
    requested.add(url);
    const request = buildRequest(c, url);
    const answer = await send(request, sendOptions);
    if (!answer.ok) throw statusError(options.where, request, answer, policy.retries);
    const body = parseBody(options.where, request, answer);
    const records = recordsOf(options.where, url, body, c.records_path, recordsPath);
    read += records.length;
    yield { number, url, records };
    if (records.length === 0 || (c.max_pages > 0 && number >= c.max_pages) || reachedTotal(c, body, read)) return;
    url = nextUrl(c, { url, body, answer, number, read });
  }
}

/** The records of a page as JsonRecords, numbered for messages. */
export async function* pageRecords(pages: AsyncIterable<Page>): AsyncGenerator<JsonRecord> {
  for await (const page of pages) {
    for (let i = 0; i < page.records.length; i++) yield { value: page.records[i], at: `page ${page.number}, record ${i + 1}` };
  }
}

function firstUrl(c: SourceConfig): string {
  const url = new URL(c.url);
  for (const [k, v] of Object.entries(c.query)) url.searchParams.set(k, v);
  if (c.page_size_param && c.page_size !== undefined) url.searchParams.set(c.page_size_param, String(c.page_size));
  if (c.pagination === 'page') url.searchParams.set(c.page_param, String(c.page_start));
  if (c.pagination === 'offset') url.searchParams.set(c.offset_param, '0');
  return url.toString();
}

function buildRequest(c: SourceConfig, url: string): HttpRequest {
  const headers: Record<string, string> = { accept: 'application/json', ...c.headers };
  if (c.method === 'GET' || c.body === undefined) return { method: c.method, url, headers };
  const json = typeof c.body !== 'string';
  if (json && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return { method: c.method, url, headers, body: json ? JSON.stringify(c.body) : (c.body as string) };
}

function parseBody(where: string, request: HttpRequest, answer: HttpAnswer): unknown {
  try {
    return parseJsonText(answer.text);
  } catch (error) {
    const type = answer.headers.get('content-type') ?? 'no content type';
    throw new ModuleError(`${where}: ${request.method} ${request.url} answered ${answer.status} with a body that is not JSON (${type}): ${(error as Error).message}; it starts ${JSON.stringify(bodyExcerpt(answer.text, 120))}`, {
      retryable: false,
      hint: 'http_source reads JSON APIs: check url (an HTML page often means a wrong path or a login page), or ask for JSON with headers: { Accept: application/json }',
    });
  }
}

function recordsOf(where: string, url: string, body: unknown, path: string, steps: ReturnType<typeof parsePath>): Record<string, unknown>[] {
  const value = valueAt(body, steps);
  if (!Array.isArray(value)) {
    const at = path ? `records_path "${path}"` : 'the answer';
    const found = value === undefined ? 'nothing' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
    const candidates = arrayPaths(body);
    throw new ModuleError(`${where}: ${at} of ${url} holds ${found}, not an array of records`, {
      retryable: false,
      hint: candidates.length ? `set records_path to the key holding the records; arrays in the answer: ${candidates.join(', ')}` : 'set records_path to the key holding the records, e.g. data.items',
    });
  }
  const bad = value.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
  if (bad >= 0) {
    throw new ModuleError(`${where}: record ${bad + 1} of ${url} is ${JSON.stringify(value[bad])}, not an object`, { retryable: false, hint: 'each record must be a JSON object such as {"id": 1}; point records_path at an array of objects' });
  }
  return value as Record<string, unknown>[];
}

function reachedTotal(c: SourceConfig, body: unknown, read: number): boolean {
  if (!c.total_path) return false;
  const total = Number(valueAt(body, parsePath(c.total_path)));
  return Number.isFinite(total) && read >= total;
}

interface Step {
  url: string;
  body: unknown;
  answer: HttpAnswer;
  number: number;
  read: number;
}

/** The next page's URL, or undefined at the end. */
function nextUrl(c: SourceConfig, s: Step): string | undefined {
  const url = new URL(s.url);
  switch (c.pagination) {
    case 'none':
      return undefined;
    case 'page':
      url.searchParams.set(c.page_param, String(c.page_start + s.number));
      return url.toString();
    case 'offset':
      url.searchParams.set(c.offset_param, String(s.read));
      return url.toString();
    case 'cursor': {
      const cursor = valueAt(s.body, parsePath(c.cursor_path ?? ''));
      if (cursor === undefined || cursor === null || cursor === '' || cursor === false) return undefined;
      url.searchParams.set(c.cursor_param, String(cursor));
      return url.toString();
    }
    case 'next_link': {
      const next = valueAt(s.body, parsePath(c.next_path ?? ''));
      return typeof next === 'string' && next !== '' ? new URL(next, s.url).toString() : undefined;
    }
    case 'link_header': {
      const next = nextLink(s.answer.headers.get('link'));
      return next ? new URL(next, s.url).toString() : undefined;
    }
  }
}
