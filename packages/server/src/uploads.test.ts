import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type PypeServer } from './create-server.js';
import { json, jobsFolder, PACKAGE_DIR, TOKEN } from './testing/http-fixtures.js';

// Attacks on the upload folder over real HTTP: a multipart field or file name must not place a
// file outside the run's upload folder, and nothing uploaded outlives its request or run.
describe('pype serve uploads stay in their folder', () => {
  let server: PypeServer;
  let base: string;
  // Four levels up from the run's upload folder (<sandbox>/a/b/uploads/<id>) is the sandbox.
  const sandbox = mkdtempSync(join(tmpdir(), 'pype-serve-uploads-'));
  const uploads = join(sandbox, 'a', 'b', 'uploads');
  const outside = join(sandbox, 'outside');
  const auth = { authorization: `Bearer ${TOKEN}` };
  const upload = (field: string, filename: string, fields: Record<string, string> = { batch: '9' }) => {
    const form = new FormData();
    form.append(field, new Blob(['id,name,age\n1,x,1\n']), filename);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers: auth, body: form });
  };
  async function finished(id: string): Promise<any> {
    for (let i = 0; i < 600; i++) {
      const run = await json(await fetch(`${base}/runs/${id}`, { headers: auth }));
      if (run.finishedAt) return run;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${id} did not finish within 30 s`);
  }
  const leftovers = () => (existsSync(uploads) ? readdirSync(uploads) : []);
  /** Every file under the sandbox (folders left empty do not count). */
  const files = (dir = sandbox): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

  beforeAll(async () => {
    mkdirSync(outside, { recursive: true });
    const { jobsDir } = jobsFolder();
    server = await createServer({ jobsDir, tokens: [TOKEN], searchDirs: [PACKAGE_DIR], uploadDir: uploads, log: () => {} });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => server?.close());

  it('refuses a field name that climbs out (422 naming the field), writing nothing anywhere', async () => {
    const res = await upload('../../../../outside/evil', 'x.csv');
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error).toBe('multipart field "../../../../outside/evil" is not a context variable name');
    expect(body.hint).toMatch(/letters, digits and _/);
    expect(files()).toEqual([]);
  });

  it('refuses such a name after a file was already saved, and removes that file', async () => {
    const form = new FormData();
    form.append('input', new Blob(['id,name,age\n1,x,1\n']), 'ok.csv');
    form.append('../../../../outside/evil', new Blob(['x']), 'x.csv');
    const res = await fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers: auth, body: form });
    expect(res.status).toBe(422);
    expect(files()).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('keeps a file name with ".." inside the upload folder, and removes it after the run', async () => {
    const res = await upload('input', '../../../../outside/evil.csv');
    expect(res.status).toBe(202);
    const run = await finished((await json(res)).id);
    expect(run.status).toBe('success');
    expect(run.context.input).toMatch(new RegExp(`^${uploads}/r[0-9a-z]+/input-evil\\.csv$`));
    expect(files()).toEqual([]);
    expect(leftovers()).toEqual([]);
    const dots = await upload('input', '..');
    const failed = await finished((await json(dots)).id);
    expect(failed.context.input).toMatch(new RegExp(`^${uploads}/r[0-9a-z]+/input-[^/]+$`));
    expect(files()).toEqual([]);
  });

  it('removes the upload when the run is refused (422) or fails', async () => {
    expect((await upload('input', 'a.csv', { batch: 'x' })).status).toBe(422);
    expect(leftovers()).toEqual([]);
    const form = new FormData();
    form.append('input', new Blob(['not,a\ncsv,"unterminated\n']), 'bad.csv');
    form.append('batch', '8');
    const run = await finished((await json(await fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers: auth, body: form }))).id);
    expect(run.status).toBe('failed');
    expect(leftovers()).toEqual([]);
  });
});
