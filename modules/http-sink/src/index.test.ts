import { closeTestServers, startTestServer as serve } from '@pypeline/http/testing';
import { outputSchemasOf, runModule } from '@pypeline/sdk/testing';
import { tableFromArrays, type Table } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from './config.js';
import httpSink from './index.js';

const MANIFEST = new URL('../pypeline.manifest.json', import.meta.url).pathname;

afterEach(closeTestServers);

const rows = () => tableFromArrays({
  id: BigInt64Array.from([1n, 2n, 9007199254740993n, 4n]),
  name: ['ann', 'bo b', 'cy/d', 'di'],
  team: ['a', 'a', 'b', 'a'],
});

async function sendRows(config: Partial<Config> & { url: string }, input: Table = rows()) {
  const { outputs, ctx } = await runModule(httpSink, { config: { backoff_initial_ms: 5, ...config } as Config, manifest: MANIFEST, moduleId: 'push', inputs: { input } });
  return { reject: outputs.reject, ctx };
}

describe('http_sink', () => {
  it('row mode: one request per row, the URL filled from the row (encoded), the body the row as JSON with exact integers', async () => {
    const s = await serve(() => ({ status: 201, body: { ok: true } }));
    const { reject, ctx } = await sendRows({ url: `${s.url}/teams/{team}/users/{name}`, method: 'PUT', auth: 'bearer', token: 'tk' });
    expect(s.requests.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      'PUT /teams/a/users/ann {"id":1,"name":"ann","team":"a"}',
      'PUT /teams/a/users/bo%20b {"id":2,"name":"bo b","team":"a"}',
      'PUT /teams/b/users/cy%2Fd {"id":9007199254740993,"name":"cy/d","team":"b"}',
      'PUT /teams/a/users/di {"id":4,"name":"di","team":"a"}',
    ]);
    expect(s.requests.every((r) => r.headers.authorization === 'Bearer tk' && r.headers['content-type'] === 'application/json')).toBe(true);
    expect(reject.numRows).toBe(0);
    expect(reject.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'team', 'error_status', 'error_message', 'error_body']);
    expect(Object.fromEntries(ctx.globals)).toMatchObject({ row_count: 4, request_count: 4, reject_count: 0 });
  });

  it('batch mode: JSON arrays of up to batch_size consecutive rows that share a URL', async () => {
    const s = await serve(() => ({ body: {} }));
    await sendRows({ url: `${s.url}/teams/{team}`, mode: 'batch', batch_size: 3 });
    expect(s.requests.map((r) => `${r.url} ${JSON.parse(r.body).map((x: { name: string }) => x.name).join(',')}`)).toEqual([
      '/teams/a ann,bo b', '/teams/b cy/d', '/teams/a di',
    ]);
    const big = await sendRows({ url: `${s.url}/all`, mode: 'batch', batch_size: 3 });
    expect(s.requests.slice(3).map((r) => JSON.parse(r.body).length)).toEqual([3, 1]);
    expect(big.ctx.globals.get('request_count')).toBe(2);
  });

  it('on_error reject: refused rows go to the reject port with status, message and body excerpt; the rest are sent', async () => {
    const s = await serve((req) => (req.body.includes('"bo b"') ? { status: 422, body: { error: 'name may not contain spaces' } } : { status: 204 }));
    const { reject, ctx } = await sendRows({ url: `${s.url}/users`, on_error: 'reject' });
    expect(reject.toArray().map((r) => r.toJSON())).toEqual([
      { id: 2n, name: 'bo b', team: 'a', error_status: 422, error_message: '422 Unprocessable Entity', error_body: '{"error":"name may not contain spaces"}' },
    ]);
    expect(Object.fromEntries(ctx.globals)).toMatchObject({ row_count: 3, reject_count: 1 });
  });

  it('on_error fail (the default): the first refusal stops the run, saying how many rows were sent', async () => {
    const s = await serve((req) => (req.body.includes('"cy/d"') ? { status: 400, body: 'bad' } : { status: 200 }));
    const error = await sendRows({ url: `${s.url}/users` }).catch((e: Error & { hint?: string }) => e);
    expect((error as Error).message).toBe(`http_sink "push": POST ${s.url}/users answered 400 Bad Request: bad; 2 rows were sent before`);
    expect((error as { hint?: string }).hint).toMatch(/; or set on_error: reject/);
    expect(s.requests).toHaveLength(3);
  });

  it('retries 503 with Retry-After and 5xx, then sends', async () => {
    const s = await serve((_r, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '0' } } : i === 1 ? { status: 500 } : { status: 200 }));
    const { ctx } = await sendRows({ url: `${s.url}/x`, mode: 'batch', backoff_initial_ms: 600_000, backoff_max_ms: 1 });
    expect(ctx.logs.filter((l) => l.msg.startsWith('retrying')).map((l) => [l.msg, l.fields?.wait_ms])).toEqual([
      ['retrying after 503 Service Unavailable', 0],
      ['retrying after 500 Internal Server Error', 1],
    ]);
    expect(ctx.globals.get('row_count')).toBe(4);
  });

  it('a null in a URL column is refused without a request', async () => {
    const s = await serve(() => ({ status: 200 }));
    const input = tableFromArrays({ id: Int32Array.from([1, 2]), team: ['a', null] as unknown as string[] });
    const { reject } = await sendRows({ url: `${s.url}/t/{team}`, on_error: 'reject' }, input);
    expect(reject.toArray().map((r) => [r.id, r.error_status, r.error_message])).toEqual([[2, null, 'column "team" is null, and url needs it']]);
    expect(s.requests).toHaveLength(1);
  });

  it('a down host fails the run naming the URL, the cause and the fix', async () => {
    const s = await serve(() => ({ status: 200 }));
    const url = `${s.url}/gone`;
    await s.close();
    const error = await sendRows({ url, retries: 1, on_error: 'reject' }).catch((e: Error & { hint?: string }) => e);
    expect((error as Error).message).toBe(`http_sink "push": POST ${url} failed: connection refused (ECONNREFUSED) (gave up after 2 attempts); 0 rows were sent before`);
    expect((error as { hint?: string }).hint).toMatch(/^nothing listens at 127\.0\.0\.1:\d+/);
  });

  it('lists every config problem, the URL\'s columns checked against the input', async () => {
    const { problems } = await outputSchemasOf(httpSink, { url: 'http://h/{nope}/{id}', auth: 'basic', api_key: 'k' }, { input: rows().schema });
    expect(problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'username: auth: basic needs username',
      'api_key: api_key is set but auth is basic, so it would not be sent',
      'url: url names column "nope", which the input does not have',
    ]);
    expect(problems?.[2]).toMatchObject({ span: { start: 9, end: 15 }, hint: 'its columns: id, name, team' });
    const { outputs } = await outputSchemasOf(httpSink, { url: 'http://h/{id}' }, { input: rows().schema });
    expect((outputs?.reject as Table['schema']).fields.map((f) => f.name)).toEqual(['id', 'name', 'team', 'error_status', 'error_message', 'error_body']);
  });
});
