// examples/rest_to_mariadb.yaml end to end through the built CLI: a local server answers like a
// paginated public REST API (limit/skip, a total, a bearer token it checks, one 429 with
// Retry-After), the flow loads every product into a MariaDB table of its own and writes the
// per-category summary to a workbook; the test reads both back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '@pypeline/http/testing';
import { connect, disconnect, execute, query, type Connection } from '@pypeline/mysql';
import { describeWithService, mariadbTestConfig, uniqueName } from '@pypeline/test-services';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, devEnv, output, ROOT, runAsync } from './scaffold-helpers.js';

const CATEGORIES = ['beauty', 'groceries', 'furniture'];
// 23 products: pages of 10 are 10, 10 and 3, so paging must stop at the total, not at an empty page.
const PRODUCTS = Array.from({ length: 23 }, (_, i) => ({
  id: i + 1,
  title: `Product ${i + 1}`,
  category: CATEGORIES[i % 3],
  brand: i % 4 === 0 ? null : `Brand ${i % 5}`,
  // Whole numbers on the first page: the declared schema keeps price a float64 anyway.
  price: i < 10 ? 10 + i : 10 + i + 0.99,
  stock: i * 3,
  rating: 3 + (i % 5) / 2,
  tags: ['x', 'y'],
  dimensions: { width: i, height: 2 * i },
}));
const TOKEN = 'e2e-token-4711';

describeWithService('mariadb', 'examples/rest_to_mariadb.yaml', () => {
  const db = mariadbTestConfig();
  const table = uniqueName('pype_api_products');
  const out = mkdtempSync(join(tmpdir(), 'pype-rest-'));
  let server: TestServer;
  let connection: Connection;
  let throttled = false;

  beforeAll(async () => {
    connection = await connect(db);
    server = await startTestServer((req) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname !== '/products') return { status: 404, body: { message: `no route ${url.pathname}` } };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { message: 'invalid token' } };
      const skip = Number(url.searchParams.get('skip'));
      const limit = Number(url.searchParams.get('limit'));
      // The second page is refused once, as a rate-limited API does.
      if (skip === limit && !throttled) {
        throttled = true;
        return { status: 429, headers: { 'retry-after': '1' }, body: { message: 'too many requests' } };
      }
      return { body: { products: PRODUCTS.slice(skip, skip + limit), total: PRODUCTS.length, skip, limit } };
    });
  });
  afterAll(async () => {
    await server?.close();
    await query(connection, `DROP TABLE IF EXISTS ${table}`);
    await execute(connection, 'DELETE FROM pypeline_loads WHERE target LIKE ?', [`%${table}%`]).catch(() => {});
    await disconnect(connection);
  });

  it('pulls every page into MariaDB and writes the summary workbook', async () => {
    const set = {
      api_url: `${server.url}/products`, page_size: 10, db_host: db.host, db_port: db.port, db_user: db.user,
      db_password: db.password ?? '', database: db.database, table, out_dir: out,
    };
    const args = ['run', join(ROOT, 'examples/rest_to_mariadb.yaml'), ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
    // Async: the API server answers from this process while the run goes on.
    const r = await runAsync(process.execPath, [BIN, ...args], out, devEnv({ PYPE_SECRET_API_TOKEN: TOKEN }));
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);

    const pages = server.requests.map((q) => new URL(q.url, 'http://x').searchParams.get('skip'));
    // Each page once, the throttled one twice; nothing at build time (the token is a secret, known only to the run).
    expect(pages).toEqual(['0', '10', '10', '20']);

    const { rows } = await query(connection, `SELECT id, title, category, brand, price, stock, rating FROM ${table} ORDER BY id`);
    expect(rows.map((row) => row.map(String))).toEqual(PRODUCTS.map((p) => [p.id, p.title, p.category, p.brand, p.price, p.stock, p.rating].map(String)));

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, 'api_products_summary.xlsx'));
    const sheet = book.getWorksheet('Categories');
    const values = sheet!.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));
    expect(values[0]).toEqual(['category', 'products', 'units_in_stock', 'average_price', 'cheapest', 'best_rating']);
    const expected = CATEGORIES.map((category) => {
      const of = PRODUCTS.filter((p) => p.category === category);
      const prices = of.map((p) => p.price);
      return [category, of.length, of.reduce((n, p) => n + p.stock, 0), prices.reduce((a, b) => a + b, 0) / of.length, Math.min(...prices), Math.max(...of.map((p) => p.rating))];
    });
    expect(values.slice(1).map((row) => row.map((v, i) => (i === 3 ? Number((v as number).toFixed(6)) : v)))).toEqual(expected.map((row) => row.map((v, i) => (i === 3 ? Number((v as number).toFixed(6)) : v))));
  }, 240_000);
}, 300_000);

describe('pype with http_source and http_sink, a down host or bad config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pype-http-bad-'));
  const write = (name: string, modules: string) => {
    writeFileSync(join(dir, name), `flow:\n  name: ${name.replace('.yaml', '')}\nmodules:\n${modules}\nconnections:\n  data:\n    - "read.data - send.input"\n`);
    return join(dir, name);
  };

  it('names the URL, the cause and the fix when the host is down, without a stack trace', async () => {
    const closed = await startTestServer(() => ({}));
    const url = `${closed.url}/items`;
    await closed.close();
    const file = write('down.yaml', `  - { id: read, name: http_source, configs: { required: { url: "${url}" }, optional: { retries: 1, backoff_initial_ms: 10 } } }
  - { id: send, name: http_sink, configs: { required: { url: "${url}" } } }`);
    const r = await runAsync(process.execPath, [BIN, 'run', file], ROOT);
    expect(r.status, output(r)).toBe(1);
    expect(r.stderr).toContain(`read (http_source) failed: http_source "read": GET ${url} failed: connection refused (ECONNREFUSED) (gave up after 2 attempts)`);
    expect(r.stderr).toMatch(/fix: nothing listens at 127\.0\.0\.1:\d+: start the server, or fix the host and port in url/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);

  it('lists every config problem at once, each at its line: the schema\'s, then the modules\' own', async () => {
    const typed = write('typed.yaml', `  - id: read
    name: http_source
    configs:
      required: { url: "https://api.example.com/items" }
      optional: { retries: -1, rate_limit: fast }
  - id: send
    name: http_sink
    configs:
      required: { url: "https://api.example.com/users" }
      optional: { method: DELETE }`);
    const first = await runAsync(process.execPath, [BIN, 'validate', typed], ROOT);
    expect(first.status, output(first)).toBe(1);
    for (const problem of [
      /typed\.yaml:8:\d+ error at modules\[0\]\.configs\.optional\.retries: read \(http_source\): config "retries" must be >= 0/,
      /typed\.yaml:8:\d+ error at modules\[0\]\.configs\.optional\.rate_limit: read \(http_source\): config "rate_limit" must be a number/,
      /typed\.yaml:13:\d+ error at modules\[1\]\.configs\.optional\.method: send \(http_sink\): config "method" must be one of "POST", "PUT", "PATCH"/,
    ]) expect(first.stderr).toMatch(problem);
    expect(first.stderr).toContain('3 problems found');

    const semantic = write('semantic.yaml', `  - id: read
    name: http_source
    configs:
      required: { url: "https://api.example.com/items" }
      optional: { pagination: cursor, auth: bearer, api_key: k }
  - id: send
    name: http_sink
    configs:
      required: { url: "https://api.example.com/users/{user_id}" }
      optional: { auth: oauth2 }`);
    const second = await runAsync(process.execPath, [BIN, 'validate', semantic], ROOT);
    expect(second.status, output(second)).toBe(1);
    for (const problem of [
      // A missing key is placed at its module's configs, a key that is there at its value.
      /semantic\.yaml:7:\d+ error at modules\[0\]\.configs: .*configs\.optional\.token: auth: bearer needs token/,
      /semantic\.yaml:8:\d+ error at modules\[0\]\.configs\.optional\.api_key: .*api_key is set but auth is bearer, so it would not be sent/,
      /pagination: cursor needs cursor_path/,
      /auth: oauth2 needs oauth2_token_url/,
      /auth: oauth2 needs oauth2_client_id/,
      /auth: oauth2 needs oauth2_client_secret/,
    ]) expect(second.stderr).toMatch(problem);
    expect(second.stderr).toContain('6 problems found');
    expect(first.stderr + second.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
