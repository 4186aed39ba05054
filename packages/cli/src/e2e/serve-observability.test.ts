import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { buildFlow } from '@pypeline/core';
import { until } from '@pypeline/test-services';
import { OtlpReceiver } from '../testing/otlp-receiver.js';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
const TOKEN = 'observability-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Family {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }>;
}
// A Prometheus text-format parser of its own (no types shipped), so the test does not read the text the way the server wrote it.
const parse: (text: string) => Family[] = createRequire(import.meta.url)('parse-prometheus-text-format');

interface DocumentedMetric {
  name: string;
  type: string;
  labels: string[];
}

/** The metrics table of docs/operations.md ("Prometheus metrics"): name, type and labels of each row. */
function documentedMetrics(): DocumentedMetric[] {
  const doc = readFileSync(join(REPO, 'docs', 'operations.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Prometheus metrics'), doc.indexOf('\n## ', doc.indexOf('## Prometheus metrics') + 1));
  return [...section.matchAll(/^\| (`[^|]+`) \|\s*(\w*)\s*\|([^|]*)\|/gm)].flatMap(([, names, type, labels]) => names.split(',').map((name) => ({
    name: name.trim().replace(/`/g, ''),
    type,
    labels: [...labels.matchAll(/`(\w+)`/g)].map((m) => m[1]),
  })));
}

const root = mkdtempSync(join(tmpdir(), 'pype-serve-obs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('pype serve: /metrics parses as Prometheus text with every documented metric, and each run it serves is traced', async () => {
  writeFileSync(join(root, 'people.csv'), 'id,age\n1,15\n2,25\n3,35\n');
  writeFileSync(join(root, 'adults.yaml'), [
    'flow:\n  name: adults',
    'modules:',
    `  - { id: read, name: csv_source, configs: { required: { file_path: ${JSON.stringify(join(root, 'people.csv'))} } } }`,
    '  - { id: keep, name: filter_mod, configs: { required: { condition: "age >= 18" } } }',
    `  - { id: save, name: csv_sink, configs: { required: { output_path: ${JSON.stringify(join(root, 'adults.csv'))} } } }`,
    'connections:\n  data:\n    - "read.data - keep.input"\n    - "keep.output - save.input"\n',
  ].join('\n'));
  buildFlow(join(root, 'adults.yaml'), { searchDirs: [REPO], outDir: join(root, 'jobs') });
  const receiver = await OtlpReceiver.start();
  const child = spawn(process.execPath, [BIN, 'serve', '--jobs', 'jobs', '--port', '0', '--project', REPO], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYPE_SERVE_TOKEN: TOKEN, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    // The listening line and the tracing line are two writes: wait for both, not the first alone.
    await until(() => child.exitCode !== null || (/pype serve on (http:\/\/\S+)/.test(output) && output.includes('traces: ')), () => `pype serve to listen and say where it traces; its output:\n${output}`, 60_000, 50);
    const base = /pype serve on (http:\/\/\S+)/.exec(output)?.[1];
    expect(base, output).toBeDefined();
    expect(output).toContain(`traces: OTLP http/json to ${receiver.endpoint}/v1/traces`);

    const posted = await (await fetch(`${base}/jobs/adults/runs`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{}' })).json() as { id: string };
    type RunView = { status?: string; finishedAt?: string; runId?: string };
    let run: RunView = {};
    await until(async () => Boolean((run = await (await fetch(`${base}/runs/${posted.id}`, { headers: AUTH })).json() as RunView).finishedAt), () => `run ${posted.id} to finish; last ${JSON.stringify(run)}; server:\n${output}`, 120_000, 100);
    expect(run.status).toBe('success');

    const res = await fetch(`${base}/metrics`, { headers: AUTH });
    expect(res.status).toBe(200);
    const text = await res.text();
    const families = new Map(parse(text).map((f) => [f.name, f]));
    const documented = documentedMetrics();
    expect(documented.map((m) => m.name)).toEqual(expect.arrayContaining(['pype_runs', 'pype_module_duration_seconds', 'pype_module_rows_total', 'pype_serve_process_*', 'pype_serve_nodejs_*']));
    for (const metric of documented) {
      if (metric.name.endsWith('*')) {
        const prefix = metric.name.slice(0, -1);
        expect([...families.keys()].some((n) => n.startsWith(prefix)), `a metric named ${metric.name}`).toBe(true);
        continue;
      }
      const family = families.get(metric.name);
      expect(family, `documented metric ${metric.name} in /metrics`).toBeDefined();
      expect(family!.type).toBe(metric.type.toUpperCase());
      if (metric.type === 'histogram') {
        // This parser folds a labelled histogram's series together: its labels are read from the text.
        expect(text).toMatch(new RegExp(`^${metric.name}_count\\{${metric.labels.map((l) => `${l}="[^"]*"`).join(',')}\\} \\d+`, 'm'));
      } else if (metric.name !== 'pype_module_retries_total') {
        // (No module was retried, so the retries counter has no series yet.)
        for (const sample of family!.metrics) expect(Object.keys(sample.labels ?? {}).sort()).toEqual([...metric.labels].sort());
      }
    }
    const rows = families.get('pype_module_rows_total')!.metrics.find((m) => m.labels?.module === 'keep' && m.labels?.direction === 'out');
    expect(rows?.value).toBe('2');

    await until(() => receiver.spans().some((s) => s.name === 'run adults') && receiver.spans().filter((s) => s.name.startsWith('module ')).length >= 3,
      () => `the run's spans; received: ${receiver.spans().map((s) => s.name).join(', ')}`, 60_000);
    const spans = receiver.spans();
    const runSpan = spans.find((s) => s.name === 'run adults')!;
    expect(runSpan.attributes).toMatchObject({ 'pype.job': 'adults', 'pype.run.id': run.runId, 'pype.status': 'success' });
    expect(runSpan.resource).toMatchObject({ 'pype.process': 'serve', 'process.pid': child.pid });
    expect(spans.filter((s) => s.name.startsWith('module ')).map((s) => s.attributes['pype.module.id']).sort()).toEqual(['keep', 'read', 'save']);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([runSpan.traceId]));
  } finally {
    child.kill('SIGTERM');
    await exited;
    await receiver.close();
  }
}, 240_000);
