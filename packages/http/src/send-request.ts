import { backoffMs, ModuleError, sleep, type BackoffOptions } from '@pypeline/sdk';
import { describeFetchFailure } from './fetch-failure.js';
import type { RateLimiter } from './rate-limiter.js';
import { retryAfterMs } from './retry-after.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The server's last answer to a request. */
export interface HttpAnswer {
  ok: boolean;
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
  /** Requests sent, 1 when the first answer was final. */
  attempts: number;
  /** Set when the server asked (Retry-After) for a longer wait than `maxRetryAfterMs`, so it was not retried. */
  refusedWaitMs?: number;
}

/** When a request is sent again. */
export interface RetryPolicy {
  /** Retries after a 429, a 5xx or a network error (so at most `retries + 1` requests). @default 3 */
  retries?: number;
  /** The waits between retries when the server does not say (see backoffMs in @pypeline/sdk). */
  backoff?: BackoffOptions;
  /** Time one request may take, answer body included (ms). @default 30000 */
  timeoutMs?: number;
  /** A `Retry-After` asking for a longer wait (ms) ends the retries instead. @default 300000 */
  maxRetryAfterMs?: number;
}

/** Credentials put on each attempt: they may change between attempts (a fetched-again OAuth2 token). */
export interface RequestAuth {
  apply(request: HttpRequest, signal?: AbortSignal): Promise<HttpRequest>;
  /** After a 401: fetches fresh credentials; true when the request is worth sending once more. */
  renew?(signal?: AbortSignal): Promise<boolean>;
}

export interface SendOptions extends RetryPolicy {
  /** Names the sender in messages, e.g. `http_source "users"`. */
  where: string;
  signal?: AbortSignal;
  limiter?: RateLimiter;
  auth?: RequestAuth;
  /** Told before each wait for a retry. */
  onRetry?: (note: { attempt: number; waitMs: number; reason: string }) => void;
}

const retryable = (status: number) => status === 429 || status >= 500;

/**
 * Sends `request` until the server gives a final answer: a 2xx, 3xx or 4xx other than 429, or
 * the last of `retries` after 429s and 5xxs, which is returned for the caller to judge (see
 * `statusError`). Waits between tries as the server's `Retry-After` asks (seconds or an HTTP
 * date), else by jittered exponential backoff. A 401 with renewable auth (OAuth2) fetches a new
 * token and sends once more without counting a retry. Network errors are retried too; when they
 * persist it throws a ModuleError naming the URL, the cause and the fix.
 */
export async function send(request: HttpRequest, options: SendOptions): Promise<HttpAnswer> {
  const retries = options.retries ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { signal } = options;
  let renewed = false;
  for (let attempt = 1; ; attempt++) {
    await options.limiter?.take(signal);
    signal?.throwIfAborted();
    const sent = options.auth ? await options.auth.apply(request, signal) : request;
    let answer: HttpAnswer;
    try {
      answer = await fetchOnce(sent, timeoutMs, signal, attempt);
    } catch (error) {
      signal?.throwIfAborted();
      const failure = describeFetchFailure(error, request.url, timeoutMs);
      if (attempt > retries) {
        throw new ModuleError(`${options.where}: ${request.method} ${request.url} failed: ${failure.reason}${attempt > 1 ? ` (gave up after ${attempt} attempts)` : ''}`, { hint: failure.hint, cause: error });
      }
      await pause(options, attempt, backoffMs(attempt, options.backoff), failure.reason);
      continue;
    }
    if (answer.status === 401 && !renewed && (await options.auth?.renew?.(signal))) {
      renewed = true;
      attempt--;
      continue;
    }
    if (!retryable(answer.status) || attempt > retries) return answer;
    const asked = retryAfterMs(answer.headers.get('retry-after'));
    if (asked !== undefined && asked > (options.maxRetryAfterMs ?? 300_000)) return { ...answer, refusedWaitMs: asked };
    await pause(options, attempt, asked ?? backoffMs(attempt, options.backoff), `${answer.status} ${answer.statusText}`);
  }
}

async function fetchOnce(request: HttpRequest, timeoutMs: number, signal: AbortSignal | undefined, attempts: number): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const text = await res.text();
  return { ok: res.ok, status: res.status, statusText: res.statusText, headers: res.headers, text, attempts };
}

async function pause(options: SendOptions, attempt: number, waitMs: number, reason: string): Promise<void> {
  options.onRetry?.({ attempt, waitMs, reason });
  await sleep(waitMs, options.signal);
  options.signal?.throwIfAborted();
}

/** The start of an answer's body for messages and reject rows. */
export function bodyExcerpt(text: string, max = 500): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** What to do about a final error status. */
function statusHint(status: number, retries: number | undefined): string {
  if (status === 401) return 'the server refused the credentials: check auth and its token, username/password, api_key or oauth2 settings';
  if (status === 403) return 'the credentials lack permission for this URL: check the account or the scope';
  if (status === 404) return 'check url (and, when paging, the link or cursor the server returned)';
  if (status === 429) return 'the server limits requests: lower rate_limit, or raise retries so its Retry-After is waited out';
  if (status >= 500) return `the server kept failing after ${(retries ?? 3) + 1} attempts: try later, or raise retries`;
  return 'the server refused the request: check url, query, headers and body';
}

/** A final error status as a ModuleError: who asked what, the answer, the excerpt of its body and the fix. */
export function statusError(where: string, request: HttpRequest, answer: HttpAnswer, retries?: number): ModuleError {
  const waited = answer.refusedWaitMs !== undefined
    ? ` (its Retry-After asks for ${Math.round(answer.refusedWaitMs / 1000)} s, more than max_retry_after)`
    : answer.attempts > 1 ? ` (gave up after ${answer.attempts} attempts)` : '';
  const excerpt = bodyExcerpt(answer.text);
  return new ModuleError(`${where}: ${request.method} ${request.url} answered ${answer.status} ${answer.statusText}${excerpt ? `: ${excerpt}` : ''}${waited}`, {
    retryable: retryable(answer.status),
    hint: answer.refusedWaitMs !== undefined ? 'raise max_retry_after, or run the flow later' : statusHint(answer.status, retries),
  });
}
