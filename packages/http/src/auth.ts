import { ModuleError } from '@pypeline/sdk';
import { CLIENT_DEFAULTS, type HttpClientConfig } from './client-config.js';
import { bodyExcerpt, send, statusError, type HttpRequest, type RequestAuth, type RetryPolicy } from './send-request.js';

/** Puts the configured credentials on each request; undefined for `auth: none`. */
export function requestAuth(config: HttpClientConfig, where: string, policy: RetryPolicy = {}): RequestAuth | undefined {
  const c = { ...CLIENT_DEFAULTS, ...config };
  switch (c.auth) {
    case 'none':
      return undefined;
    case 'bearer':
      return withHeader('authorization', `Bearer ${c.token ?? ''}`);
    case 'basic':
      return withHeader('authorization', `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`);
    case 'api_key':
      if (c.api_key_in === 'header') return withHeader(c.api_key_name, c.api_key ?? '');
      return {
        async apply(request) {
          const url = new URL(request.url);
          url.searchParams.set(c.api_key_name, c.api_key ?? '');
          return { ...request, url: url.toString() };
        },
      };
    case 'oauth2':
      return new ClientCredentials(c, where, policy);
  }
}

function withHeader(name: string, value: string): RequestAuth {
  return { apply: async (request) => ({ ...request, headers: { ...request.headers, [name]: value } }) };
}

interface Token {
  value: string;
  /** Epoch ms after which it is fetched again; Infinity when the server gave no expiry. */
  renewAt: number;
}

/**
 * OAuth2 client credentials (RFC 6749, section 4.4): the token is fetched on first use with the
 * client id and secret in a Basic header, kept until shortly before `expires_in`, shared by
 * concurrent requests, and fetched again when the API answers 401.
 */
class ClientCredentials implements RequestAuth {
  private token: Promise<Token> | undefined;
  constructor(private readonly config: HttpClientConfig, private readonly where: string, private readonly policy: RetryPolicy) {}

  async apply(request: HttpRequest, signal?: AbortSignal): Promise<HttpRequest> {
    let token = this.token ? await this.token : undefined;
    if (!token || Date.now() >= token.renewAt) token = await this.fetchToken(signal);
    return { ...request, headers: { ...request.headers, authorization: `Bearer ${token.value}` } };
  }

  async renew(signal?: AbortSignal): Promise<boolean> {
    await this.fetchToken(signal);
    return true;
  }

  private fetchToken(signal?: AbortSignal): Promise<Token> {
    const pending = this.requestToken(signal);
    this.token = pending;
    // A failed fetch is not kept: the next request tries again.
    pending.catch(() => {
      if (this.token === pending) this.token = undefined;
    });
    return pending;
  }

  private async requestToken(signal?: AbortSignal): Promise<Token> {
    const { oauth2_token_url: url = '', oauth2_client_id: id = '', oauth2_client_secret: secret = '', oauth2_scope: scope } = this.config;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    const request: HttpRequest = {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: form.toString(),
    };
    const where = `${this.where} (oauth2 token)`;
    const answer = await send(request, { ...this.policy, where, signal });
    if (!answer.ok) {
      const error = statusError(where, request, answer, this.policy.retries);
      if (answer.status === 400 || answer.status === 401) {
        throw new ModuleError(error.message, { retryable: false, hint: 'check oauth2_client_id, oauth2_client_secret and oauth2_scope' });
      }
      throw error;
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(answer.text) as typeof body;
    } catch {
      throw new ModuleError(`${where}: ${url} answered ${answer.status} with a body that is not JSON: ${bodyExcerpt(answer.text, 200)}`, { retryable: false, hint: 'check oauth2_token_url: it must be the OAuth2 token endpoint' });
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ModuleError(`${where}: the answer of ${url} has no access_token`, { retryable: false, hint: 'check oauth2_token_url: it must be the OAuth2 token endpoint' });
    }
    const seconds = Number(body.expires_in);
    // Renewed a little early (a tenth of its life, at most 30 s) so a request never carries a token that expires on the way.
    const renewAt = Number.isFinite(seconds) && seconds > 0 ? Date.now() + seconds * 1000 - Math.min(30_000, seconds * 100) : Infinity;
    return { value: body.access_token, renewAt };
  }
}
