import { appendFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FlowValidationError } from '@pypeline/core';
import { runStream, type StreamApp } from '@pypeline/stream';
import { describe, expect, it } from 'vitest';
import { streamAppFromFlow, validateStreamFlow } from './stream-flow.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('YAML stream flows', () => {
  it('reports every problem at once, each with its line and a fix', () => {
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
        aggregates: { n: count, m: median(value) }
      optional:
        allowed_latenes: 5s
  - id: out2
    name: postgres_sink
    configs: { required: { connection: "postgres://x", table: t }, optional: { mode: merge } }
  - id: out
    name: console_sink
    configs: {}
connections:
  data:
    - "in.data - w.input"
    - "w.result - out.input"
    - "w.output - out2.input"
  control:
    - "in (1|) w"
`;
    const r = validateStreamFlow('broken.yaml', text);
    expect(r.ok).toBe(false);
    const msgs = r.diagnostics.map((d) => `${d.line}: ${d.message}`);
    expect(msgs).toEqual(expect.arrayContaining([
      expect.stringMatching(/^5: "mqtt_sorce" is not available in stream flows \(did you mean "mqtt_source"\?\)/),
      expect.stringMatching(/^12: window_aggregate config "window" tumbling window size: "soon" is not a duration/),
      expect.stringMatching(/^13: window_aggregate config "aggregates" m: "median\(value\)" is not an aggregate/),
      expect.stringMatching(/^15: window_aggregate has no config "allowed_latenes" \(did you mean "allowed_lateness"\?\)/),
      expect.stringMatching(/^18: postgres_sink config "mode" must be one of "append", "upsert" \(not "merge"\)/),
      expect.stringMatching(/^25: window_aggregate "w" has no output port "result"/),
      expect.stringMatching(/^28: control connections have no meaning in a stream flow/),
    ]));
    expect(r.diagnostics).toHaveLength(7);
    expect(r.diagnostics.find((d) => d.message.includes('no output port'))?.hint).toBe('its outputs: output, late');
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
    configs: { required: { key: k, window: { tumbling: 1s }, aggregates: { n: count, total: sum(v) } } }
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
    expect(bad.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual([expect.stringMatching(/^9: unknown config key "order" for sort_mod/)]);
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

  it('names the module when a connector refuses its config at build', async () => {
    const text = `flow: { name: bad }
settings: { execution_mode: stream }
modules:
  - id: w
    name: window_aggregate
    configs: { required: { key: k, window: { sliding: 1m }, aggregates: { n: count } } }
  - id: in
    name: file_tail_source
    configs: { required: { path: /nope } }
  - id: out
    name: console_sink
    configs: {}
connections:
  data: ["in.data - w.input", "w.output - out.input"]
`;
    const err = await streamAppFromFlow('bad.yaml', text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowValidationError);
    expect((err as FlowValidationError).diagnostics.map((d) => d.message).join('\n')).toMatch(/a sliding window needs `every`/);
  });
});
