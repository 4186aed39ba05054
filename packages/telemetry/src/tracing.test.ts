import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { buildFlow, runJob, type PypeEvent } from '@pypeline/core';
import { traceSettings } from './trace-settings.js';
import { Tracing } from './tracing.js';

/** This package's folder: its node_modules hold the modules the flows use. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const SETTINGS = traceSettings({}, true)!;
const work = mkdtempSync(join(tmpdir(), 'pype-telemetry-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Keeps its spans through the provider's shutdown (the SDK's in-memory exporter forgets them then). */
class KeepingExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function traced(role: string, exporter = new KeepingExporter()): { tracing: Tracing; exporter: InMemorySpanExporter } {
  return { tracing: new Tracing(SETTINGS, { role, exporter }), exporter };
}

async function spansOf(tracing: Tracing, exporter: InMemorySpanExporter): Promise<ReadableSpan[]> {
  await tracing.flush();
  return exporter.getFinishedSpans();
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** A run's events as the engine emits them, with a fixed clock. */
function emitter(listener: (e: PypeEvent) => void, runId: string): (payload: Record<string, unknown>) => void {
  let time = 1_700_000_000_000;
  return (payload) => listener({ ...payload, runId, time: (time += 10) } as PypeEvent);
}

describe('Tracing', () => {
  it('traces a local run: one span for the run, one per sub flow and loop frame, one per module node, with rows and the pinned version', async () => {
    const data = join(work, 'data');
    rmSync(data, { recursive: true, force: true });
    writeFileSync(join(work, 'people.csv'), 'id,age\n1,15\n2,25\n3,35\n4,55\n');
    writeFileSync(join(work, 'thresholds.csv'), 'threshold\n20\n50\n');
    writeFileSync(join(work, 'traced.yaml'), [
      'flow:\n  name: traced',
      `context:\n  default:\n    data: ${JSON.stringify(work)}`,
      'modules:',
      '  - { id: thresholds, name: csv_source, configs: { required: { file_path: "{{context.data}}/thresholds.csv" } } }',
      '  - { id: read, name: csv_source, configs: { required: { file_path: "{{context.data}}/people.csv" } } }',
      '  - { id: keep, name: filter_mod, configs: { required: { condition: "age > {{iter.item.threshold}}" } } }',
      '  - { id: done, name: log_message, configs: { required: { message: "done" } } }',
      'connections:',
      '  data:',
      '    - "read.data - keep.input"',
      '  control:',
      '    - "thresholds (iterate|) read"',
      '    - "thresholds (2|) done"',
      '',
    ].join('\n'));
    const { jobDir } = buildFlow(join(work, 'traced.yaml'), { searchDirs: [PACKAGE_DIR], outDir: join(work, 'jobs') });
    const { tracing, exporter } = traced('run');
    const result = await runJob(jobDir, { searchDirs: [PACKAGE_DIR], listeners: [tracing.runListener()], logDir: join(work, 'logs') });
    expect(result.status).toBe('success');
    const spans = await spansOf(tracing, exporter);

    const [run] = byName(spans, 'run traced');
    expect(run.attributes).toMatchObject({ 'pype.job': 'traced', 'pype.run.id': result.runId, 'pype.status': 'success', 'pype.modules': 4 });
    expect(run.status.code).toBe(SpanStatusCode.OK);
    expect(parentOf(run)).toBeUndefined();
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([run.spanContext().traceId]));

    const subflows = spans.filter((s) => s.name.startsWith('subflow '));
    expect(subflows.map((s) => `${s.attributes['pype.subflow.modules']}#${s.attributes['pype.frame']}`).sort()).toEqual(['done#0', 'read,keep#0', 'read,keep#1', 'thresholds#0']);
    for (const s of subflows) expect(parentOf(s)).toBe(run.spanContext().spanId);

    const modules = spans.filter((s) => s.name.startsWith('module '));
    expect(modules.map((s) => s.attributes['pype.node.id']).sort()).toEqual(['done#0', 'keep#0', 'keep#1', 'read#0', 'read#1', 'thresholds#0']);
    for (const m of modules) {
      const parent = subflows.find((s) => s.spanContext().spanId === parentOf(m))!;
      expect(parent.attributes['pype.frame']).toBe(m.attributes['pype.frame']);
      expect(String(parent.attributes['pype.subflow.modules']).split(',')).toContain(m.attributes['pype.module.id']);
      expect(m.attributes).toMatchObject({ 'pype.status': 'success', 'pype.retries': 0, 'pype.run.id': result.runId, 'pype.job': 'traced' });
    }
    const keep = (frame: string) => modules.find((m) => m.attributes['pype.node.id'] === `keep#${frame}`)!;
    expect(keep('0').attributes).toMatchObject({ 'pype.module.type': 'filter_mod', 'pype.module.package': '@pypeline/mod-filter-mod', 'pype.rows.in': 4, 'pype.rows.out': 3 });
    expect(keep('1').attributes['pype.rows.out']).toBe(1);
    expect(keep('0').attributes['pype.module.version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.resource.attributes).toMatchObject({ 'service.name': 'pypeline', 'host.name': hostname(), 'process.pid': process.pid, 'pype.process': 'run' });
    await tracing.shutdown();
  });

  it('carries the run span to a worker: the task spans are its children in the same trace, and the coordinator leaves them to the worker', async () => {
    const coordinator = traced('run');
    const worker = traced('worker');
    const listener = coordinator.tracing.runListener();
    const emit = emitter(listener, 'r1');
    emit({ type: 'run.started', flow: 'fan', jobDir: join(work, 'no-such-job'), context: 'default', subflows: 1, modules: 2 });
    const traceparent = coordinator.tracing.traceparent('r1')!;
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const task = worker.tracing.taskSpans({ traceparent, flow: 'fan', jobDir: join(work, 'no-such-job'), runId: 'r1' });
    const onWorker = emitter((e) => {
      task.onEvent(e);
      listener(e); // the coordinator re-emits what the worker forwards
    }, 'r1');
    onWorker({ type: 'subflow.started', subflow: 'subflow_1', modules: ['a', 'b'], frame: '0' });
    onWorker({ type: 'module.started', nodeId: 'a#0', moduleId: 'a', name: 'say', subflow: 'subflow_1', attempt: 1 });
    onWorker({ type: 'module.finished', nodeId: 'a#0', moduleId: 'a', name: 'say', durationMs: 10, rowsIn: 0, rowsOut: 1, attempts: 1 });
    onWorker({ type: 'module.started', nodeId: 'b#0', moduleId: 'b', name: 'say', subflow: 'subflow_1', attempt: 1 });
    onWorker({ type: 'module.finished', nodeId: 'b#0', moduleId: 'b', name: 'say', durationMs: 10, rowsIn: 1, rowsOut: 1, attempts: 1 });
    onWorker({ type: 'subflow.finished', subflow: 'subflow_1', status: 'success', durationMs: 40, frame: '0' });
    task.end();
    emit({ type: 'run.finished', flow: 'fan', status: 'success', durationMs: 90 });

    const [run, ...others] = await spansOf(coordinator.tracing, coordinator.exporter);
    expect(run.name).toBe('run fan');
    expect(others).toEqual([]);
    const spans = await spansOf(worker.tracing, worker.exporter);
    expect(spans.map((s) => s.name).sort()).toEqual(['module a', 'module b', 'subflow subflow_1']);
    const [subflow] = byName(spans, 'subflow subflow_1');
    expect(subflow.spanContext().traceId).toBe(run.spanContext().traceId);
    expect(parentOf(subflow)).toBe(run.spanContext().spanId);
    for (const m of spans.filter((s) => s.name.startsWith('module '))) {
      expect(parentOf(m)).toBe(subflow.spanContext().spanId);
      expect(m.attributes).toMatchObject({ 'pype.job': 'fan', 'pype.run.id': 'r1', 'pype.status': 'success' });
    }
    expect(subflow.resource.attributes['pype.process']).toBe('worker');
    await Promise.all([coordinator.tracing.shutdown(), worker.tracing.shutdown()]);
  });

  it('keeps one span per module across retries, with an event per failed attempt and the last error as its status', async () => {
    const { tracing, exporter } = traced('run');
    const emit = emitter(tracing.runListener(), 'r2');
    emit({ type: 'run.started', flow: 'flaky', jobDir: join(work, 'no-such-job'), context: 'default', subflows: 1, modules: 2 });
    emit({ type: 'subflow.started', subflow: 'subflow_1', modules: ['load', 'after'], frame: '0' });
    for (const attempt of [1, 2, 3]) {
      emit({ type: 'module.started', nodeId: 'load#0', moduleId: 'load', name: 'postgres_sink', subflow: 'subflow_1', attempt });
      emit({ type: 'module.failed', nodeId: 'load#0', moduleId: 'load', name: 'postgres_sink', durationMs: 5, error: `connection refused (${attempt})`, hint: 'start PostgreSQL', attempt, willRetry: attempt < 3 });
    }
    emit({ type: 'module.skipped', nodeId: 'after#0', moduleId: 'after', name: 'log_message', reason: 'upstream load failed' });
    emit({ type: 'subflow.finished', subflow: 'subflow_1', status: 'failed', durationMs: 80, frame: '0' });
    emit({ type: 'subflow.skipped', subflow: 'subflow_2', reason: 'halted after a failure (fail_strategy: halt)' });
    emit({ type: 'run.finished', flow: 'flaky', status: 'failed', durationMs: 100, error: 'load (postgres_sink) failed: connection refused (3)' });
    const spans = await spansOf(tracing, exporter);

    const [load] = byName(spans, 'module load');
    expect(load.attributes).toMatchObject({ 'pype.status': 'failed', 'pype.attempts': 3, 'pype.retries': 2, 'pype.error': 'connection refused (3)', 'pype.error.hint': 'start PostgreSQL' });
    expect(load.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection refused (3)' });
    expect(load.events.map((e) => `${e.name} ${e.attributes?.['pype.attempt']}`)).toEqual(['attempt failed 1', 'retry 2', 'attempt failed 2', 'retry 3', 'attempt failed 3']);
    expect(byName(spans, 'module after')).toEqual([]);
    const [run] = byName(spans, 'run flaky');
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    expect(run.events.map((e) => [e.name, e.attributes?.['pype.reason']])).toEqual([
      ['module skipped', 'upstream load failed'],
      ['subflow skipped', 'halted after a failure (fail_strategy: halt)'],
    ]);
    expect(byName(spans, 'subflow subflow_1')[0].status.code).toBe(SpanStatusCode.ERROR);
    await tracing.shutdown();
  });

  it('ends the spans a stopped process leaves open, as failed', async () => {
    const { tracing, exporter } = traced('run');
    const emit = emitter(tracing.runListener(), 'r3');
    emit({ type: 'run.started', flow: 'cut', jobDir: join(work, 'no-such-job'), context: 'default', subflows: 1, modules: 1 });
    emit({ type: 'subflow.started', subflow: 'subflow_1', modules: ['slow'], frame: '0' });
    emit({ type: 'module.started', nodeId: 'slow#0', moduleId: 'slow', name: 'shell_solo', subflow: 'subflow_1', attempt: 1 });
    await tracing.shutdown();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['module slow', 'run cut', 'subflow subflow_1']);
    for (const s of spans) expect(s.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the process stopped before the run ended' });
  });

  it('says once, naming the endpoint and the fix, when spans cannot be sent', async () => {
    const closed = await freePort();
    const lines: string[] = [];
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    // The OTLP exporter reads its endpoint from the environment as it is made.
    Object.assign(process.env, env);
    let tracing: Tracing;
    try {
      tracing = new Tracing(traceSettings(env)!, { role: 'run', warn: (line) => lines.push(line) });
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
    }
    for (const runId of ['r4', 'r5']) {
      const emit = emitter(tracing.runListener(), runId);
      emit({ type: 'run.started', flow: 'lost', jobDir: work, context: 'default', subflows: 0, modules: 0 });
      emit({ type: 'run.finished', flow: 'lost', status: 'success', durationMs: 1 });
      await tracing.flush();
    }
    await tracing.shutdown();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`! traces could not be sent to http://127.0.0.1:${closed}/v1/traces: `);
    expect(lines[0]).toContain('fix: start the OpenTelemetry collector there, or set OTEL_EXPORTER_OTLP_ENDPOINT');
  }, 60_000);
});

/** A port nothing listens on (just released by the OS). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
