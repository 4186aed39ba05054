import { appendFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Table } from 'apache-arrow';
import { FlowValidationError } from '@pypeline/core';
import type { ModuleDefinition } from '@pypeline/sdk';
import { runModule } from '@pypeline/sdk/testing';
import { rowsToBatch, runStream, schemaFromSpec, type Row, type SchemaSpec, type StreamApp } from '@pypeline/stream';
import { describe, expect, it } from 'vitest';
import { encodeRows } from '../formats.js';
import { streamAppFromFlow, validateStreamFlow } from './stream-flow.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('YAML stream flows', () => {
  it('reports every problem at once, each with its line and a fix, as batch validation does', () => {
    const text = `flow: { name: broken }
settings: { execution_mode: stream }
modules:
  - id: in
    name: mqtt_sorce
    configs: { required: { url: "mqtt://x", topic: t, client_id: c } }
  - id: w
    name: window_aggregate
    configs:
      required:
        key: sensor
        window: { tumbling: soon }
        aggregates: { n: count, m: "medain(value)", ok: "sum(value)" }
      optional:
        allowed_latenes: 5s
  - id: out2
    name: postgres_sink
    configs: { required: { connection: "postgres://x", table: t }, optional: { mode: merge, batch_size: many } }
  - id: out
    name: console_sink
    configs: {}
  - id: totals
    name: aggregate_mod
    configs: { required: { aggregates: { n: "count(*)" } } }
connections:
  data:
    - "in.data - w.input"
    - "w.result - out.input"
    - "w.output - out2.input"
    - "w.late - totals.input"
  control:
    - "in (1|) w"
`;
    const r = validateStreamFlow('broken.yaml', text);
    expect(r.ok).toBe(false);
    const msgs = r.diagnostics.map((d) => `${d.line}: ${d.message}`);
    expect(msgs).toEqual(expect.arrayContaining([
      expect.stringMatching(/^5: "mqtt_sorce" is not available in stream flows \(did you mean "mqtt_source"\?\)/),
      '11: w (window_aggregate): unknown config key "key" for window_aggregate',
      expect.stringMatching(/^12: w \(window_aggregate\): config "window": tumbling window size: "soon" is not a duration/),
      '13: w (window_aggregate): config "n": "count" needs its column in parentheses: write count(*)',
      expect.stringMatching(/^13: w \(window_aggregate\): config "m": "medain\(value\)": unknown function medain \(did you mean median\?\); allowed: count\(\*\), count\(\[distinct\] col\), count_if/),
      '15: w (window_aggregate): unknown config key "allowed_latenes" for window_aggregate. Did you mean "allowed_lateness"?',
      '18: out2 (postgres_sink): config "mode" must be one of "append", "upsert"',
      '18: out2 (postgres_sink): config "batch_size" must be an integer (got string "many")',
      expect.stringMatching(/^23: aggregate_mod needs its whole input, which a stream never ends; use window_aggregate/),
      expect.stringMatching(/^28: window_aggregate "w" has no output port "result"/),
      expect.stringMatching(/^32: control connections have no meaning in a stream flow/),
    ]));
    expect(r.diagnostics).toHaveLength(11);
    const hint = (part: string) => r.diagnostics.find((d) => d.message.includes(part))?.hint;
    expect(hint('no output port')).toBe('its outputs: output, late');
    expect(hint('"key"')).toBe('window_aggregate accepts: aggregates, window, group_by, allowed_lateness');
    expect(hint('allowed_latenes"')).toBe('rename "allowed_latenes" to "allowed_lateness"');
    expect(hint('medain')).toMatch(/^An aggregate: count\(\*\) counts rows/);
  });

  it('builds the same topology as its TypeScript twin (examples/stream/sensor_counts)', async () => {
    const yamlApp = await streamAppFromFlow('sensor_counts.yaml', readFileSync(join(ROOT, 'examples/stream/sensor_counts.yaml'), 'utf8'));
    const tsApp = (await import(pathToFileURL(join(ROOT, 'examples/stream/sensor_counts.ts')).href)).default as StreamApp;
    expect(yamlApp.topology()).toBe(tsApp.topology());
    expect(yamlApp.nodes.map((n) => n.id)).toEqual(['readings', 'valid', 'per_second', 'store', 'late']);
  });

  it('runs: a file tail, a keyed window and a file sink, with context values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-stream-flow-'));
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, '');
    for (let i = 0; i < 30; i++) appendFileSync(input, `${JSON.stringify({ k: i % 2 ? 'odd' : 'even', v: i, ts: i * 100 })}\n`);
    const text = `flow: { name: tail_counts }
settings: { execution_mode: stream, checkpoint_interval: 100ms }
context:
  default: { input: "${input}", output: "${output}", min: 0 }
modules:
  - id: lines
    name: file_tail_source
    configs:
      required: { path: "{{context.input}}" }
      optional: { event_time: ts, schema: { k: string, v: float64, ts: timestamp }, poll_ms: 20 }
  - id: keep
    name: filter_mod
    configs: { required: { condition: "v >= {{context.min}}" } }
  - id: per_second
    name: window_aggregate
    configs: { required: { window: { tumbling: 1s }, aggregates: { n: "count(*)", total: "sum(v)" } }, optional: { group_by: [k] } }
  - id: out
    name: file_sink
    configs: { required: { path: "{{context.output}}" } }
connections:
  data:
    - "lines.data - keep.input"
    - "keep.output - per_second.input"
    - "per_second.output - out.input"
`;
    const app = await streamAppFromFlow('tail.yaml', text, { overrides: { min: 10 } });
    const stop = new AbortController();
    const run = runStream(app, { stateDir: join(dir, 'state'), signal: stop.signal });
    const rows = () => (existsSync(output) ? readFileSync(output, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
    for (let i = 0; i < 500 && rows().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await run;
    // v ≥ 10 only: windows [1 s, 2 s) and [2 s, 3 s) closed by the watermark (29 × 100 ms = 2.9 s keeps [2,3) open)
    expect(rows().slice(0, 2)).toEqual([
      { k: 'even', window_start: 1000, window_end: 2000, n: 5, total: 70 },
      { k: 'odd', window_start: 1000, window_end: 2000, n: 5, total: 75 },
    ]);
  });

  it('runs installed transform modules (here sort_mod) once per record batch, with their configs checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-stream-flow-'));
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, [3, 1, 2].map((v) => JSON.stringify({ v })).join('\n') + '\n');
    const flow = (config: string) => `flow: { name: sorted }
settings: { execution_mode: stream }
modules:
  - id: lines
    name: file_tail_source
    configs: { required: { path: "${input}" }, optional: { schema: { v: float64 } } }
  - id: sorted
    name: sort_mod
    configs: ${config}
  - id: out
    name: file_sink
    configs: { required: { path: "${output}" } }
connections:
  data: ["lines.data - sorted.input", "sorted.output - out.input"]
`;
    const bad = validateStreamFlow('sorted.yaml', flow('{ required: { by: ["v"], order: up } }'));
    expect(bad.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual([expect.stringMatching(/^9: sorted \(sort_mod\): unknown config key "order" for sort_mod/)]);
    const app = await streamAppFromFlow('sorted.yaml', flow('{ required: { by: ["v desc"] } }'));
    const stop = new AbortController();
    const run = runStream(app, { stateDir: join(dir, 'state'), signal: stop.signal });
    for (let i = 0; i < 500 && !existsSync(output); i++) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 100 && readFileSync(output, 'utf8').split('\n').length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    const result = await run;
    expect(readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l).v)).toEqual([3, 2, 1]);
    expect(result.metrics.find((m) => m.id === 'sorted')).toMatchObject({ type: 'module', rowsIn: 3, rowsOut: 3 });
    const sink = validateStreamFlow('x.yaml', flow('{ required: { by: ["v"] } }').replace('name: sort_mod', 'name: parquet_sink'));
    expect(sink.diagnostics[0].message).toMatch(/the installed module "parquet_sink" is a sink; only transform modules with one input run in a stream/);
  });

  it('checks templated configs once resolved, and names the module when a connector refuses its config at build', async () => {
    const text = (window: string, mode: string) => `flow: { name: bad }
settings: { execution_mode: stream }
context: { default: { every: soon, mode: ${mode} } }
modules:
  - id: w
    name: window_aggregate
    configs: { required: { window: ${window}, aggregates: { n: "count(*)" } } }
  - id: in
    name: file_tail_source
    configs: { required: { path: /nope }, optional: { event_time: ts } }
  - id: out
    name: postgres_sink
    configs: { required: { connection: "postgres://127.0.0.1:1/x", table: t }, optional: { mode: "{{context.mode}}" } }
connections:
  data: ["in.data - w.input", "w.output - out.input"]
`;
    expect(validateStreamFlow('bad.yaml', text('{ sliding: 1m }', 'upsert')).diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual([
      '7: w (window_aggregate): config "window": a sliding window needs `every`, e.g. { sliding: 1m, every: 10s }',
    ]);
    const messages = async (window: string, mode: string) => {
      const err = await streamAppFromFlow('bad.yaml', text(window, mode)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlowValidationError);
      return (err as FlowValidationError).diagnostics.map((d) => `${d.line}: ${d.message}`);
    };
    expect(await messages('{ sliding: 1m, every: "{{context.every}}" }', 'upsert')).toEqual([
      expect.stringMatching(/^7: w \(window_aggregate\) after templating: config "window": sliding window slide: "soon" is not a duration/),
    ]);
    expect(await messages('{ tumbling: 1m }', 'merge')).toEqual(['13: out (postgres_sink) after templating: config "mode" must be one of "append", "upsert"']);
    expect(await messages('{ tumbling: 1m }', 'upsert')).toEqual([expect.stringMatching(/^11: postgres_sink "out": .*upsert/)]);
  });
});

// One module contract: an installed batch module in a stream flow takes every config it takes in a
// batch flow, and gives what the batch module gives on the same rows.
const SCHEMA: SchemaSpec = { id: 'int64', shop: 'string', amount: 'string', paid: 'string', when: 'string', v: 'float64', ts: 'timestamp' };
const ROWS: Row[] = [
  { id: 1, shop: 'x', amount: ' 12.5', paid: 'yes', when: '2024-07-01T12:00:00', v: 3, ts: 100 },
  { id: 2, shop: 'y', amount: '7', paid: 'no', when: '2024-07-01', v: null, ts: 200 },
  { id: 3, shop: 'x', amount: '', paid: '0', when: '2024-07-01 08:00:00+02:00', v: 5, ts: 300 },
  { id: 4, shop: 'z', amount: '-1e2', paid: 'T', when: '2024-02-29T23:59:59.5Z', v: 1.5, ts: 400 },
];

/** Rows through a stream flow: file_tail_source (declared schema) → `step` (none: straight on) → file_sink. */
async function throughStream(step: { name: string; configs: object } | undefined, expected: number, rows = ROWS, schema = SCHEMA): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pype-stream-same-'));
  const [input, output] = [join(dir, 'in.jsonl'), join(dir, 'out.jsonl')];
  writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const text = `flow: { name: same }
settings: { execution_mode: stream, checkpoint_interval: 100ms }
modules:
  - id: lines
    name: file_tail_source
    configs: { required: { path: "${input}" }, optional: { schema: ${JSON.stringify(schema)}, event_time: ts, idle_timeout: 50ms, poll_ms: 20 } }
${step ? `  - id: step
    name: ${step.name}
    configs: ${JSON.stringify(step.configs)}
` : ''}  - id: out
    name: file_sink
    configs: { required: { path: "${output}" } }
connections:
  data: ${JSON.stringify(step ? ['lines.data - step.input', 'step.output - out.input'] : ['lines.data - out.input'])}
`;
  const validation = validateStreamFlow('same.yaml', text);
  expect(validation.diagnostics).toEqual([]);
  const app = await streamAppFromFlow('same.yaml', text);
  const stop = new AbortController();
  const run = runStream(app, { stateDir: join(dir, 'state'), signal: stop.signal });
  const lines = () => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').filter(Boolean) : []);
  for (let i = 0; i < 1000 && lines().length < expected; i++) await new Promise((r) => setTimeout(r, 20));
  stop.abort();
  await run;
  return lines().map((l) => JSON.parse(l) as Row);
}

/** The same rows (decoded as the stream decodes them) through the batch module, written as file_sink writes rows. */
async function throughBatch(folder: string, config: object): Promise<Row[]> {
  // modules/<folder> as built in this workspace (the stream flow finds the same package by discovery)
  const def = ((await import(pathToFileURL(join(ROOT, `modules/${folder}/dist/index.js`)).href)) as { default: ModuleDefinition<object> }).default;
  const input = new Table([rowsToBatch(ROWS, schemaFromSpec(SCHEMA))]);
  const { outputs } = await runModule(def, { config, manifest: join(ROOT, `modules/${folder}/pypeline.manifest.json`), inputs: { input } });
  return outputs.output.batches.flatMap((b) => encodeRows(b)).map((l) => JSON.parse(l) as Row);
}

describe('installed batch modules in a stream flow', () => {
  it.each([
    ['select_mod', { optional: { columns: ['id', 'shop', 'amount', 'paid', 'when'], rename: { shop: 'store', when: 'at' }, cast: { amount: 'float64', paid: 'boolean', when: 'timestamp', id: 'string' } } }, 4],
    ['select_mod', { optional: { drop: ['ts', 'amount'], cast: { v: 'int32' } } }, 4],
    ['filter_mod', { required: { condition: "v > 3 and shop == 'x' or paid == 'T'" } }, 2],
    ['derive_mod', { required: { columns: { total: 'v * 2', store: 'upper(shop)', v: 'coalesce(v, 0)' } } }, 4],
  ] as const)('%s %j gives what the batch module gives', async (name, configs, expected) => {
    const config = { ...('optional' in configs ? configs.optional : {}), ...('required' in configs ? configs.required : {}) };
    const batch = await throughBatch(name.replace('_', '-'), config);
    expect(batch).toHaveLength(expected);
    expect(await throughStream({ name, configs }, expected)).toEqual(batch);
  }, 30_000);

  it('window_aggregate takes aggregate_mod\'s group_by and aggregates, and gives its rows per window', async () => {
    const aggregates = { n: 'count(*)', priced: 'count(v)', total: 'sum(v)', mean: 'avg(v)', lo: 'min(amount)', top: 'max(id)', first_paid: 'first(paid)', last_v: 'last(v)' };
    const batch = await throughBatch('aggregate-mod', { group_by: ['shop'], aggregates });
    expect(batch).toHaveLength(3);
    const stream = await throughStream({ name: 'window_aggregate', configs: { required: { window: { tumbling: '1h' }, aggregates }, optional: { group_by: ['shop'] } } }, 3);
    expect(stream.map((r) => [r.window_start, r.window_end])).toEqual([[0, 3_600_000], [0, 3_600_000], [0, 3_600_000]]);
    const withoutWindow = stream.map(({ window_start: _s, window_end: _e, ...rest }) => rest);
    const byShop = (a: Row, b: Row) => String(a.shop).localeCompare(String(b.shop));
    expect(withoutWindow.sort(byShop)).toEqual(batch.sort(byShop));
  }, 30_000);

  it('decodes a zone-less ISO time as UTC and "no"/"0" as false, under TZ=America/New_York', async () => {
    const hostZone = process.env.TZ;
    process.env.TZ = 'America/New_York'; // Node reads TZ again when it is set
    try {
      expect(new Date(0).getTimezoneOffset()).toBe(300);
      const rows = await throughStream(undefined, 4, ROWS.map(({ id, when, paid, ts }) => ({ id, when, paid, ts })), { id: 'int64', when: 'timestamp', paid: 'bool', ts: 'timestamp' });
      expect(rows).toEqual([
        { id: 1, when: Date.UTC(2024, 6, 1, 12), paid: true, ts: 100 },
        { id: 2, when: Date.UTC(2024, 6, 1), paid: false, ts: 200 },
        { id: 3, when: Date.UTC(2024, 6, 1, 6), paid: false, ts: 300 },
        { id: 4, when: Date.UTC(2024, 1, 29, 23, 59, 59, 500), paid: true, ts: 400 },
      ]);
    } finally {
      if (hostZone === undefined) delete process.env.TZ;
      else process.env.TZ = hostZone;
    }
  }, 30_000);
});
