import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';
import { createServer, type PypeServer } from './create-server.js';
import { json, jobsFolder, PACKAGE_DIR, TOKEN } from './testing/http-fixtures.js';

interface Family {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string; sum?: string }>;
}
// A Prometheus text-format parser of its own (no types shipped), so the test does not read the text the way the server wrote it.
const parse: (text: string) => Family[] = createRequire(import.meta.url)('parse-prometheus-text-format');

describe('GET /metrics (Prometheus)', () => {
  let server: PypeServer;
  let base: string;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    const { jobsDir } = jobsFolder();
    server = await createServer({ jobsDir, tokens: [TOKEN], searchDirs: [PACKAGE_DIR], log: () => {} });
    base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => server?.close());

  it('counts runs by status, times runs and modules, and adds up the rows through each module', async () => {
    const posted = await json(await fetch(`${base}/jobs/csv_to_parquet/runs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"batch":1}' }));
    await until(async () => Boolean((await json(await fetch(`${base}/runs/${posted.id}`, { headers: auth }))).finishedAt), () => `run ${posted.id} to finish`, 60_000, 50);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const res = await fetch(`${base}/metrics`, { headers: auth });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const families = new Map(parse(text).map((f) => [f.name, f]));
    const value = (name: string, labels: Record<string, string>) => families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    expect(families.get('pype_runs')?.type).toBe('GAUGE');
    expect(value('pype_runs', { status: 'success' })?.value).toBe('1');
    expect(value('pype_runs', { status: 'queued' })?.value).toBe('0');
    expect(value('pype_runs_finished_total', { job: 'csv_to_parquet', status: 'success' })?.value).toBe('1');
    expect(value('pype_module_rows_total', { job: 'csv_to_parquet', module: 'read', direction: 'out' })?.value).toBe('3');
    expect(value('pype_module_rows_total', { job: 'csv_to_parquet', module: 'write', direction: 'in' })?.value).toBe('3');
    expect(families.get('pype_module_duration_seconds')?.type).toBe('HISTOGRAM');
    // This parser keeps a labelled histogram's buckets but folds its series together; the labelled counts are read from the text.
    expect(Number(families.get('pype_module_duration_seconds')?.metrics[0].buckets?.['+Inf'])).toBeGreaterThanOrEqual(1);
    expect(Number(families.get('pype_run_duration_seconds')?.metrics[0].buckets?.['+Inf'])).toBe(1);
    expect(text).toContain('pype_module_duration_seconds_count{job="csv_to_parquet",module="write",status="success"} 1');
    expect(text).toContain('pype_run_duration_seconds_count{job="csv_to_parquet",status="success"} 1');
    expect(families.has('pype_serve_process_resident_memory_bytes')).toBe(true);
  });
});
