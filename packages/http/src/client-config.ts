import type { ConfigIssue } from '@pypeline/sdk';
import { RateLimiter } from './rate-limiter.js';
import type { RetryPolicy } from './send-request.js';

/** How http_source and http_sink authenticate, retry and pace their requests; their Config interfaces extend it. */
export interface HttpClientConfig {
  /**
   * Request headers, e.g. { Accept: application/json, X-Tenant: "{{context.tenant}}" }
   * @default {}
   */
  headers?: Record<string, string>;
  /**
   * How requests authenticate: `none`; `bearer` (sends token); `basic` (username and password); `api_key` (api_key as the header, or query parameter, api_key_name);
   * `oauth2` (client credentials: a token fetched from oauth2_token_url with oauth2_client_id and oauth2_client_secret, kept until it expires and fetched again on a 401)
   * @default "none"
   */
  auth?: 'none' | 'bearer' | 'basic' | 'api_key' | 'oauth2';
  /**
   * The bearer token (auth: bearer), e.g. "{{secret.api_token}}"
   * @secret
   */
  token?: string;
  /** The user name (auth: basic) */
  username?: string;
  /**
   * The password (auth: basic), e.g. "{{secret.api_password}}"
   * @secret
   */
  password?: string;
  /**
   * The API key (auth: api_key), e.g. "{{secret.api_key}}"
   * @secret
   */
  api_key?: string;
  /**
   * The header or query parameter that carries api_key
   * @default "X-API-Key"
   */
  api_key_name?: string;
  /**
   * Where api_key goes: a `header` or a `query` parameter
   * @default "header"
   */
  api_key_in?: 'header' | 'query';
  /** The OAuth2 token endpoint (auth: oauth2), e.g. https://auth.example.com/oauth/token */
  oauth2_token_url?: string;
  /** The OAuth2 client id (auth: oauth2) */
  oauth2_client_id?: string;
  /**
   * The OAuth2 client secret (auth: oauth2), e.g. "{{secret.oauth_secret}}"
   * @secret
   */
  oauth2_client_secret?: string;
  /** Space-separated scopes to ask the token for (auth: oauth2) */
  oauth2_scope?: string;
  /**
   * Retries of a request after a 429, a 5xx or a network error
   * @asType integer
   * @minimum 0
   * @default 5
   */
  retries?: number;
  /**
   * The longest wait before the first retry (ms) when the server sends no Retry-After; each later wait doubles, with jitter
   * @asType integer
   * @minimum 1
   * @default 500
   */
  backoff_initial_ms?: number;
  /**
   * No backoff wait is longer (ms)
   * @asType integer
   * @minimum 1
   * @default 30000
   */
  backoff_max_ms?: number;
  /**
   * The longest Retry-After honoured (seconds); a server asking for a longer wait fails the request
   * @minimum 0
   * @default 300
   */
  max_retry_after?: number;
  /**
   * Seconds one request may take, its answer included
   * @exclusiveMinimum 0
   * @default 30
   */
  timeout?: number;
  /**
   * Most requests per second (0: no limit), e.g. 2 for an API that allows 120 a minute
   * @minimum 0
   * @default 0
   */
  rate_limit?: number;
}

/** The defaults above as values; each module's test keeps them equal to its generated manifest. */
export const CLIENT_DEFAULTS = {
  headers: {},
  auth: 'none',
  api_key_name: 'X-API-Key',
  api_key_in: 'header',
  retries: 5,
  backoff_initial_ms: 500,
  backoff_max_ms: 30_000,
  max_retry_after: 300,
  timeout: 30,
  rate_limit: 0,
} as const satisfies Partial<HttpClientConfig>;

type Auth = NonNullable<HttpClientConfig['auth']>;

/** The keys marked @secret above: their values come from `{{secret.x}}`. */
const SECRET_KEYS = new Set<keyof HttpClientConfig>(['token', 'password', 'api_key', 'oauth2_client_secret']);

/** The keys each auth needs, and the keys that belong to it. */
const AUTH_KEYS: Record<Exclude<Auth, 'none'>, { needs: (keyof HttpClientConfig)[]; uses: (keyof HttpClientConfig)[] }> = {
  bearer: { needs: ['token'], uses: ['token'] },
  basic: { needs: ['username'], uses: ['username', 'password'] },
  api_key: { needs: ['api_key'], uses: ['api_key'] },
  oauth2: { needs: ['oauth2_token_url', 'oauth2_client_id', 'oauth2_client_secret'], uses: ['oauth2_token_url', 'oauth2_client_id', 'oauth2_client_secret', 'oauth2_scope'] },
};

/** Every problem of the client settings: credentials missing for the chosen auth, or set for another one, and URLs that are not http(s). */
export function clientProblems(config: HttpClientConfig): ConfigIssue[] {
  const auth = config.auth ?? 'none';
  const problems: ConfigIssue[] = [];
  const set = (key: keyof HttpClientConfig) => config[key] !== undefined && config[key] !== '';
  if (auth !== 'none') {
    for (const key of AUTH_KEYS[auth].needs.filter((k) => !set(k))) {
      problems.push({ key: [key], message: `auth: ${auth} needs ${key}`, hint: SECRET_KEYS.has(key) ? `set ${key} from a secret, e.g. "{{secret.${key}}}"` : `set ${key}` });
    }
  }
  const used = new Set(auth === 'none' ? [] : AUTH_KEYS[auth].uses);
  for (const [other, { uses }] of Object.entries(AUTH_KEYS)) {
    for (const key of uses.filter((k) => set(k) && !used.has(k))) {
      problems.push({ key: [key], message: `${key} is set but auth is ${auth}, so it would not be sent`, hint: `set auth: ${other}, or remove ${key}` });
    }
  }
  if (set('oauth2_token_url')) problems.push(...urlProblems(config.oauth2_token_url!, 'oauth2_token_url'));
  return problems;
}

/** Problems of a URL a flow gives: it must be absolute http or https. */
export function urlProblems(url: string, key: string): ConfigIssue[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ key: [key], message: `"${url}" is not a URL`, hint: 'write the whole URL, e.g. https://api.example.com/v1/items' }];
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return [{ key: [key], message: `"${url}" is not an http or https URL`, hint: 'start it with https:// (or http://)' }];
  }
  return [];
}

/** The retry settings as `send` takes them. */
export function retryPolicy(config: HttpClientConfig): RetryPolicy {
  const c = { ...CLIENT_DEFAULTS, ...config };
  return {
    retries: c.retries,
    backoff: { initialMs: c.backoff_initial_ms, maxMs: c.backoff_max_ms },
    timeoutMs: c.timeout * 1000,
    maxRetryAfterMs: c.max_retry_after * 1000,
  };
}

/** The limiter all of one module's requests share. */
export function rateLimiter(config: HttpClientConfig): RateLimiter {
  return new RateLimiter(config.rate_limit ?? CLIENT_DEFAULTS.rate_limit);
}
