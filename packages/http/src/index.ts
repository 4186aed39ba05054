export { CLIENT_DEFAULTS, clientProblems, rateLimiter, retryPolicy, urlProblems } from './client-config.js';
export type { HttpClientConfig } from './client-config.js';
export { requestAuth } from './auth.js';
export { bodyExcerpt, send, statusError } from './send-request.js';
export type { HttpAnswer, HttpRequest, RequestAuth, RetryPolicy, SendOptions } from './send-request.js';
export { RateLimiter } from './rate-limiter.js';
export { retryAfterMs } from './retry-after.js';
export { describeFetchFailure, hostOf } from './fetch-failure.js';
export type { FetchFailure } from './fetch-failure.js';
