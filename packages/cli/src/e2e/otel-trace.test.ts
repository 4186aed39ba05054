import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlow } from '@pypeline/core';
import { removeQueues } from '@pypeline/executor-bullmq';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { OtlpReceiver, type ReceivedSpan } from '../testing/otlp-receiver.js';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
/** The repository: its node_modules hold every workspace module, for the flows and the workers. */
const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
const { host, port } = serviceAddress('redis');
const REDIS = `redis://${host}:${port}`;

interface Child {
  process: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `pype <args>` without blocking this process: the OTLP receiver answers while it runs. */
function pype(args: string[], cwd: string, env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exit };
}

/** The CSV a flow reads: 40 people, ages 10 to 69. */
function writePeople(dir: string): string {
  const file = join(dir, 'people.csv');
  writeFileSync(file, `id,name,age\n${Array.from({ length: 40 }, (_, i) => `${i},person ${i},${10 + ((i * 7) % 60)}`).join('\n')}\n`);
  return file;
}

const spansNamed = (spans: ReceivedSpan[], prefix: string) => spans.filter((s) => s.name.startsWith(prefix));

describe('OpenTelemetry traces of pype run', () => {
  let receiver: OtlpReceiver;
  let root: string;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    root = mkdtempSync(join(tmpdir(), 'pype-otel-'));
  });
  afterAll(async () => {
    await receiver?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  describeWithService('redis', 'a distributed run', () => {
    const queue = uniqueName('pype_test_otel');
    const workers: Child[] = [];
    afterAll(async () => {
      for (const w of workers) if (w.process.exitCode === null) w.process.kill('SIGKILL');
      await removeQueues(REDIS, queue);
    });

    it('is one trace: the coordinator\'s run span, and on the workers a span per sub flow and per module, with the worker\'s pid and host', async () => {
      const people = writePeople(root);
      writeFileSync(join(root, 'spread.yaml'), [
        'flow:\n  name: spread',
        'modules:',
        `  - { id: read, name: csv_source, configs: { required: { file_path: ${JSON.stringify(people)} } } }`,
        '  - { id: adults, name: filter_mod, configs: { required: { condition: "age >= 18" } } }',
        `  - { id: save, name: csv_sink, configs: { required: { output_path: ${JSON.stringify(join(root, 'adults.csv'))} } } }`,
        '  - { id: note_a, name: log_message, configs: { required: { message: "saved {{save__rows_out}} rows" } } }',
        '  - { id: note_b, name: log_message, configs: { required: { message: "done" } } }',
        'connections:',
        '  data:',
        '    - "read.data - adults.input"',
        '    - "adults.output - save.input"',
        '  control:',
        '    - "save (1|) note_a"',
        '    - "save (1|) note_b"',
        '',
      ].join('\n'));
      buildFlow(join(root, 'spread.yaml'), { searchDirs: [REPO], outDir: join(root, 'jobs') });
      const env = {
        ...process.env, FORCE_COLOR: '0', PYPE_QUEUE: queue,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'pype-e2e', OTEL_BSP_SCHEDULE_DELAY: '200',
      };
      for (let i = 0; i < 2; i++) workers.push(pype(['worker', '--redis', REDIS, '--concurrency', '2', '--project', REPO], root, env));
      // The start line and the tracing line are two writes: wait for both, not the first alone.
      await until(() => workers.every((w) => w.output().includes('▶ worker') && w.output().includes('traces: ')), () => `both workers to start and say where they trace; their output:\n${workers.map((w) => w.output()).join('\n')}`, 60_000);
      expect(workers[0].output()).toContain(`traces: OTLP http/json to ${receiver.endpoint}/v1/traces`);

      const run = pype(['run', 'jobs/spread', '--executor', 'bullmq', '--redis', REDIS], root, env);
      expect(await run.exit, run.output()).toBe(0);
      const modules = ['read', 'adults', 'save', 'note_a', 'note_b'];
      const seen = () => receiver.spans();
      await until(() => spansNamed(seen(), 'module ').length >= modules.length && spansNamed(seen(), 'run ').length >= 1,
        () => `a run span and ${modules.length} module spans; received: ${seen().map((s) => s.name).join(', ')}\nworkers:\n${workers.map((w) => w.output()).join('\n')}`, 60_000);

      const spans = seen();
      const [runSpan, ...moreRuns] = spansNamed(spans, 'run ');
      expect(moreRuns).toEqual([]);
      expect(runSpan).toMatchObject({ name: 'run spread', attributes: { 'pype.job': 'spread', 'pype.status': 'success' }, resource: { 'service.name': 'pype-e2e', 'process.pid': run.process.pid, 'pype.process': 'run' } });
      expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([runSpan.traceId]));

      const moduleSpans = spansNamed(spans, 'module ');
      expect(moduleSpans.map((s) => s.attributes['pype.module.id']).sort()).toEqual([...modules].sort());
      const subflows = spansNamed(spans, 'subflow ');
      expect(subflows).toHaveLength(3);
      for (const s of subflows) expect(s.parentSpanId).toBe(runSpan.spanId);
      const workerPids = workers.map((w) => w.process.pid);
      for (const m of moduleSpans) {
        const parent = subflows.find((s) => s.spanId === m.parentSpanId);
        expect(parent, `the sub flow span of ${m.name}`).toBeDefined();
        expect(parent!.resource['process.pid']).toBe(m.resource['process.pid']);
        expect(workerPids).toContain(m.resource['process.pid']);
        expect(m.resource).toMatchObject({ 'host.name': hostname(), 'pype.process': 'worker', 'service.name': 'pype-e2e' });
        expect(m.attributes).toMatchObject({ 'pype.job': 'spread', 'pype.run.id': runSpan.attributes['pype.run.id'], 'pype.status': 'success', 'pype.retries': 0 });
        expect(m.attributes['pype.module.version']).toMatch(/^\d+\.\d+\.\d+/);
      }
      const adults = moduleSpans.find((m) => m.attributes['pype.module.id'] === 'adults')!;
      expect(adults.attributes).toMatchObject({ 'pype.module.type': 'filter_mod', 'pype.module.package': '@pypeline/mod-filter-mod', 'pype.rows.in': 40, 'pype.rows.out': 34 });

      for (const w of workers) w.process.kill('SIGTERM');
      expect(await Promise.all(workers.map((w) => w.exit))).toEqual([0, 0]);
    }, 240_000);
  });

  it('loads no OpenTelemetry code when nothing asks for traces', async () => {
    writeFileSync(join(root, 'quick.yaml'), 'flow:\n  name: quick\nmodules:\n  - { id: hi, name: log_message, configs: { required: { message: "hi" } } }\n');
    // A module-resolution hook that names every OpenTelemetry file the process loads.
    const hook = join(root, 'name-otel-loads.mjs');
    writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('@opentelemetry')) process.stderr.write('loaded ' + r.url + '\\\\n'); return r; }\`));\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NODE_OPTIONS: `--import ${hook}` };
    for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key === 'TRACEPARENT') delete env[key];
    const plain = pype(['run', join(root, 'quick.yaml')], REPO, env);
    expect(await plain.exit, plain.output()).toBe(0);
    expect(plain.output()).not.toContain('loaded ');
    // The hook does see them when tracing is on (stdout: the console exporter prints the spans).
    const traced = pype(['run', join(root, 'quick.yaml')], REPO, { ...env, OTEL_TRACES_EXPORTER: 'console' });
    expect(await traced.exit, traced.output()).toBe(0);
    expect(traced.output()).toMatch(/loaded file:\S+@opentelemetry\/sdk-trace/);
    expect(traced.output()).toContain("name: 'run quick'");
  }, 120_000);

  it('sends the spans of a run stopped by Ctrl-C before it exits, as OTLP protobuf by default', async () => {
    writeFileSync(join(root, 'slow.yaml'), 'flow:\n  name: slow\nmodules:\n  - { id: wait, name: shell_solo, configs: { required: { command: sleep }, optional: { args: ["60"] } } }\n');
    buildFlow(join(root, 'slow.yaml'), { searchDirs: [REPO], outDir: join(root, 'jobs') });
    const before = receiver.requests.length;
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    delete env.OTEL_EXPORTER_OTLP_PROTOCOL;
    // From the repository, whose node_modules hold the module a local run loads.
    const run = pype(['run', join(root, 'jobs', 'slow'), '--json'], REPO, env);
    await until(() => run.output().includes('"type":"module.started"'), () => `the module to start; output:\n${run.output()}`, 60_000);
    run.process.kill('SIGINT');
    expect(await run.exit, run.output()).toBe(130);
    const sent = receiver.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((r) => r.contentType === 'application/x-protobuf')).toBe(true);
    // Protobuf keeps strings as UTF-8 bytes: the spans' names and the run's error are in them.
    const bytes = Buffer.concat(sent.map((r) => r.body)).toString('latin1');
    for (const text of ['run slow', 'module wait', 'interrupted by SIGINT', 'pype.run.id']) expect(bytes).toContain(text);
  }, 120_000);
});
