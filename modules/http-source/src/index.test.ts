import { closeTestServers, startTestServer as serve, type ReceivedRequest } from '@pypeline/http/testing';
import { outputSchemasOf, runModule } from '@pypeline/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from './config.js';
import httpSource from './index.js';

const MANIFEST = new URL('../pypeline.manifest.json', import.meta.url).pathname;
const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, price: i + 0.5, day: `2024-01-0${i + 1}` }));

afterEach(closeTestServers);

const query = (req: ReceivedRequest) => new URL(req.url, 'http://x').searchParams;

async function read(config: Partial<Config> & { url: string }) {
  const { outputs, ctx } = await runModule(httpSource, { config: { backoff_initial_ms: 5, ...config } as Config, manifest: MANIFEST, moduleId: 'api' });
  return { table: outputs.data, ctx, ids: outputs.data.toArray().map((r) => Number(r.id)) };
}

describe('http_source pagination', () => {
  it('page: counts pages up from page_start with the page size, and stops at total_path\'s total', async () => {
    const s = await serve((req) => {
      const page = Number(query(req).get('p'));
      const size = Number(query(req).get('per_page'));
      return { body: { data: { items: ITEMS.slice(page * size, (page + 1) * size) }, meta: { total: ITEMS.length } } };
    });
    const { ids, ctx } = await read({ url: `${s.url}/items`, records_path: 'data.items', pagination: 'page', page_param: 'p', page_start: 0, page_size_param: 'per_page', page_size: 3, total_path: 'meta.total' });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Seven records in pages of three: the third page reaches the total, so no fourth (empty) page is asked for.
    expect(s.requests.map((r) => r.url)).toEqual(['/items?per_page=3&p=0', '/items?per_page=3&p=1', '/items?per_page=3&p=2']);
    expect(ctx.globals.get('page_count')).toBe(3);
    expect(ctx.globals.get('row_count')).toBe(7);
  });

  it('page: without a total, stops at the first empty page', async () => {
    const s = await serve((req) => ({ body: ITEMS.slice((Number(query(req).get('page')) - 1) * 4, Number(query(req).get('page')) * 4) }));
    const { ids } = await read({ url: `${s.url}/items`, pagination: 'page' });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.requests.map((r) => query(r).get('page'))).toEqual(['1', '2', '3']);
  });

  it('offset: the offset grows by the records read, until an empty page', async () => {
    const s = await serve((req) => {
      const offset = Number(query(req).get('offset'));
      return { body: { results: ITEMS.slice(offset, offset + Number(query(req).get('limit'))) } };
    });
    const { ids } = await read({ url: `${s.url}/items?sort=id`, records_path: 'results', pagination: 'offset', page_size_param: 'limit', page_size: 5 });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.requests.map((r) => r.url)).toEqual(['/items?sort=id&limit=5&offset=0', '/items?sort=id&limit=5&offset=5', '/items?sort=id&limit=5&offset=7']);
  });

  it('cursor: sends the cursor the body names until there is none', async () => {
    const s = await serve((req) => {
      // The server reads the number after "c"; to the client a cursor is opaque.
      const cursor = query(req).get('after');
      const at = cursor ? Number(cursor.slice(1)) : 0;
      return { body: { items: ITEMS.slice(at, at + 3), paging: { next: at + 3 < ITEMS.length ? `c${at + 3}` : null } } };
    });
    const { ids } = await read({ url: `${s.url}/items`, records_path: 'items', pagination: 'cursor', cursor_path: 'paging.next', cursor_param: 'after' });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.requests.map((r) => query(r).get('after'))).toEqual([null, 'c3', 'c6']);
  });

  it('next_link: follows the URL in the body, relative ones read against the page\'s own', async () => {
    const s = await serve((req) => {
      const page = Number(query(req).get('n') ?? 1);
      const links = page === 1 ? { next: `http://${req.headers.host}/v2/list?n=2` } : page === 2 ? { next: 'list?n=3' } : {};
      return { body: { records: ITEMS.slice((page - 1) * 3, page * 3), links } };
    });
    const { ids } = await read({ url: `${s.url}/v2/list`, records_path: 'records', pagination: 'next_link', next_path: 'links.next' });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.requests.map((r) => r.url)).toEqual(['/v2/list', '/v2/list?n=2', '/v2/list?n=3']);
  });

  it('link_header: follows Link rel="next" among other relations', async () => {
    const s = await serve((req) => {
      const page = Number(query(req).get('page') ?? 1);
      const link = [page < 3 ? `</items?page=${page + 1}>; rel="next"` : '', '</items?page=3>; rel="last"', '</items?page=1>; rel=first'].filter(Boolean).join(', ');
      return { headers: { link }, body: ITEMS.slice((page - 1) * 3, page * 3) };
    });
    const { ids } = await read({ url: `${s.url}/items`, pagination: 'link_header' });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.requests.map((r) => r.url)).toEqual(['/items', '/items?page=2', '/items?page=3']);
  });

  it('max_pages stops early, and a link that repeats fails instead of looping', async () => {
    const s = await serve(() => ({ headers: { link: '</same>; rel="next"' }, body: ITEMS.slice(0, 2) }));
    expect((await read({ url: `${s.url}/same`, pagination: 'link_header', max_pages: 1 })).ids).toEqual([1, 2]);
    await expect(read({ url: `${s.url}/same`, pagination: 'link_header' })).rejects.toThrow(/page 2 would request http:\/\/127\.0\.0\.1:\d+\/same again/);
  });
});

describe('http_source records', () => {
  it('types columns from the records, streams batch_size rows per batch, and takes declared types', async () => {
    const s = await serve(() => ({ body: { data: [...ITEMS, { id: 8, name: null, price: 3, day: '2024-02-01', extra: { a: [1] } }] } }));
    const { table } = await read({ url: s.url, records_path: '$.data', batch_size: 3, schema: { id: 'utf8' } });
    expect(table.batches.map((b) => b.numRows)).toEqual([3, 3, 2]);
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      id: 'Utf8', name: 'Utf8', price: 'Float64', day: 'Date32<DAY>', extra: 'Struct<{a:List<Int64>}>',
    });
    expect(table.get(7)?.toJSON()).toMatchObject({ id: '8', name: null, price: 3 });
  });

  it('states the first page\'s columns at build time', async () => {
    const s = await serve(() => ({ body: { items: ITEMS } }));
    const { outputs, problems } = await outputSchemasOf(httpSource, { url: `${s.url}/x`, records_path: 'items' });
    expect(problems).toBeUndefined();
    expect((outputs?.data as { fields: { name: string }[] }).fields.map((f) => f.name)).toEqual(['id', 'name', 'price', 'day']);
  });

  it('pype check asks for the first page only', async () => {
    const s = await serve(() => ({ headers: { link: '</next>; rel="next"' }, body: ITEMS }));
    const said = await httpSource.check!({ config: { url: `${s.url}/items`, pagination: 'link_header' }, signal: new AbortController().signal });
    expect(said).toBe(`GET ${s.url}/items: answered, 7 records on the first page`);
    expect(s.requests).toHaveLength(1);
  });

  it('an answer without an array of records names the arrays it has', async () => {
    const s = await serve(() => ({ body: { meta: {}, data: { rows: [{ a: 1 }] } } }));
    const error = await read({ url: s.url }).catch((e: Error & { hint?: string }) => e);
    expect(error).toMatchObject({ message: expect.stringContaining('the answer of http://127.0.0.1'), hint: expect.stringContaining('arrays in the answer: data.rows') });
    expect((error as Error).message).toContain('holds an object, not an array of records');
  });

  it('a body that is not JSON is named with its content type', async () => {
    const s = await serve(() => ({ body: '<html>login</html>' }));
    await expect(read({ url: s.url })).rejects.toThrow(/answered 200 with a body that is not JSON \(text\/plain; charset=utf-8\).*starts "<html>login<\/html>"/);
  });
});

describe('http_source auth', () => {
  const protectedServer = (accept: (req: ReceivedRequest) => boolean) => serve((req) => (accept(req) ? { body: ITEMS.slice(0, 2) } : { status: 401, body: 'who are you?' }));

  it('bearer sends the token', async () => {
    const s = await protectedServer((r) => r.headers.authorization === 'Bearer t0k');
    expect((await read({ url: s.url, auth: 'bearer', token: 't0k' })).ids).toEqual([1, 2]);
  });

  it('basic sends user and password', async () => {
    const s = await protectedServer((r) => r.headers.authorization === `Basic ${Buffer.from('ann:pa:ss').toString('base64')}`);
    expect((await read({ url: s.url, auth: 'basic', username: 'ann', password: 'pa:ss' })).ids).toEqual([1, 2]);
  });

  it('api_key goes in a header or in the query', async () => {
    const s = await protectedServer((r) => r.headers['x-key'] === 'k1' || query(r).get('key') === 'k2');
    expect((await read({ url: s.url, auth: 'api_key', api_key: 'k1', api_key_name: 'X-Key' })).ids).toEqual([1, 2]);
    expect((await read({ url: `${s.url}/?a=1`, auth: 'api_key', api_key: 'k2', api_key_name: 'key', api_key_in: 'query' })).ids).toEqual([1, 2]);
    expect(s.requests.at(-1)?.url).toBe('/?a=1&key=k2');
  });

  it('a refused credential fails with the status, the body and what to check', async () => {
    const s = await protectedServer(() => false);
    const error = await read({ url: s.url, auth: 'bearer', token: 'wrong' }).catch((e: Error & { hint?: string }) => e);
    expect((error as Error).message).toBe(`http_source "api": GET ${s.url}/ answered 401 Unauthorized: who are you?`);
    expect((error as { hint?: string }).hint).toMatch(/refused the credentials: check auth/);
    expect(s.requests).toHaveLength(1);
  });

  it('oauth2 client credentials: one token for every page, fetched again when the API says 401', async () => {
    let issued = 0;
    let valid = '';
    const s = await serve((req) => {
      if (req.url === '/token') {
        const ok = req.headers.authorization === `Basic ${Buffer.from('app:s3cret').toString('base64')}` && req.body === 'grant_type=client_credentials&scope=read';
        if (!ok) return { status: 401, body: { error: 'invalid_client' } };
        valid = `tok${++issued}`;
        return { body: { access_token: valid, token_type: 'Bearer', expires_in: 3600 } };
      }
      const page = Number(query(req).get('page'));
      // The API revokes the first token after page 2: the client must fetch a new one and carry on.
      if (page === 3 && valid === 'tok1') valid = 'revoked';
      if (req.headers.authorization !== `Bearer ${valid}`) return { status: 401, body: 'token expired' };
      return { body: ITEMS.slice((page - 1) * 2, page * 2) };
    });
    const oauth = { auth: 'oauth2', oauth2_token_url: `${s.url}/token`, oauth2_client_id: 'app', oauth2_client_secret: 's3cret', oauth2_scope: 'read' } as const;
    const { ids } = await read({ url: `${s.url}/items`, pagination: 'page', ...oauth });
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(issued).toBe(2);
    expect(s.requests.map((r) => r.url.replace(/^\/items\?page=/, 'p'))).toEqual(['/token', 'p1', 'p2', 'p3', '/token', 'p3', 'p4', 'p5']);
    await expect(read({ url: `${s.url}/items`, ...oauth, oauth2_client_secret: 'bad' })).rejects.toMatchObject({
      message: expect.stringContaining(`(oauth2 token): POST ${s.url}/token answered 401 Unauthorized: {"error":"invalid_client"}`),
      hint: 'check oauth2_client_id, oauth2_client_secret and oauth2_scope',
    });
  });
});

describe('http_source retries', () => {
  it('honours Retry-After in seconds and as an HTTP date on 429 and 503, then reads on', async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    const s = await serve((_req, i) => {
      if (i === 0) return { status: 429, headers: { 'retry-after': '0' }, body: 'slow down' };
      if (i === 1) return { status: 503, headers: { 'retry-after': past }, body: 'busy' };
      return { body: ITEMS.slice(0, 1) };
    });
    // A long backoff: a wait of 0 can only come from the server's Retry-After.
    const { ids, ctx } = await read({ url: s.url, backoff_initial_ms: 600_000, backoff_max_ms: 600_000 });
    expect(ids).toEqual([1]);
    expect(ctx.logs.filter((l) => l.msg.startsWith('retrying')).map((l) => [l.msg, l.fields?.wait_ms])).toEqual([
      ['retrying after 429 Too Many Requests', 0],
      ['retrying after 503 Service Unavailable', 0],
    ]);
  });

  it('backs off on 5xx without Retry-After and gives up after retries with the last answer', async () => {
    const s = await serve(() => ({ status: 502, body: 'bad gateway' }));
    await expect(read({ url: s.url, retries: 2 })).rejects.toThrow(`GET ${s.url}/ answered 502 Bad Gateway: bad gateway (gave up after 3 attempts)`);
    expect(s.requests).toHaveLength(3);
  });

  it('a Retry-After longer than max_retry_after fails at once, saying so', async () => {
    const s = await serve(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: 'quota' }));
    const error = await read({ url: s.url, max_retry_after: 60 }).catch((e: Error & { hint?: string }) => e);
    expect((error as Error).message).toContain('answered 429 Too Many Requests: quota (its Retry-After asks for 3600 s, more than max_retry_after)');
    expect((error as { hint?: string }).hint).toBe('raise max_retry_after, or run the flow later');
    expect(s.requests).toHaveLength(1);
  });

  it('a down host is named with the cause and the fix, after the retries', async () => {
    const s = await serve(() => ({ body: [] }));
    const url = `${s.url}/gone`;
    await s.close();
    const error = await read({ url, retries: 1 }).catch((e: Error & { hint?: string }) => e);
    expect((error as Error).message).toBe(`http_source "api": GET ${url} failed: connection refused (ECONNREFUSED) (gave up after 2 attempts)`);
    expect((error as { hint?: string }).hint).toMatch(/^nothing listens at 127\.0\.0\.1:\d+: start the server, or fix the host and port in url$/);
  });
});

describe('http_source config', () => {
  const bad = {
    url: 'ftp://example.com/x', method: 'GET', body: { a: 1 }, auth: 'oauth2', oauth2_token_url: 'not a url', token: 'x',
    pagination: 'cursor', next_path: 'links.next', records_path: 'data..items', page_size: 10,
  };

  it('lists every problem at build time, each with its key', async () => {
    const { problems } = await outputSchemasOf(httpSource, bad);
    expect(problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'url: "ftp://example.com/x" is not an http or https URL',
      'oauth2_client_id: auth: oauth2 needs oauth2_client_id',
      'oauth2_client_secret: auth: oauth2 needs oauth2_client_secret',
      'token: token is set but auth is oauth2, so it would not be sent',
      'oauth2_token_url: "not a url" is not a URL',
      'cursor_path: pagination: cursor needs cursor_path',
      'next_path: next_path is used with pagination: next_link, not cursor',
      'page_size_param: page_size and page_size_param go together: page_size_param is missing',
      'body: a GET request sends no body',
      'records_path: "data..items" is not a path: cannot read "..items" (write keys with dots and array indexes in brackets, e.g. data.items or links[0].href)',
    ]);
  });

  it('refuses to run with them, all in one message', async () => {
    await expect(read(bad as never)).rejects.toThrow(/^http_source "api": url: .*; oauth2_client_id: .*; body: a GET request sends no body; records_path: /);
  });
});
