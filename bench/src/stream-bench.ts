import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Schema, Field, Utf8, TimestampMillisecond, type RecordBatch } from 'apache-arrow';
import { count, memorySource, rowsToBatch, runStream, streamApp, tumbling, type StreamApp, type StreamSink } from '@pypeline/stream';

/** Deterministic events: `keys` sensors, values 0..99, event time advancing `stepMs` per event. */
export function makeEvents(n: number, batchSize: number, keys = 100, stepMs = 0.1): { batches: RecordBatch[]; rows: Array<{ sensor: string; value: number; ts: number }> } {
  const schema = new Schema([new Field('sensor', new Utf8()), new Field('value', new Float64()), new Field('ts', new TimestampMillisecond())]);
  const rows: Array<{ sensor: string; value: number; ts: number }> = new Array(n);
  let seed = 42;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    rows[i] = { sensor: `sensor-${seed % keys}`, value: (seed >> 8) % 100, ts: Math.floor(i * stepMs) };
  }
  const batches: RecordBatch[] = [];
  for (let i = 0; i < n; i += batchSize) batches.push(rowsToBatch(rows.slice(i, i + batchSize), schema));
  return { batches, rows };
}

export type PlainCase = 'map/filter' | 'key_by + tumbling count';

/** An event as the hand-written peers see it: a plain object. */
export interface PlainEvent { sensor: string; value: number; ts: number }

/**
 * The peers' work per event, the same as the apps': filter + computed field, or a keyed 1 s
 * tumbling count in a `Map` (what one writes without a stream engine); `end` is the output rows.
 */
export function plainWork(kind: PlainCase): { add(e: PlainEvent): void; end(): number } {
  if (kind === 'map/filter') {
    let out = 0;
    return {
      add(e) {
        if (e.value >= 10) {
          const o = { ...e, scaled: e.value * 2.5 };
          if (o.scaled >= 0) out++;
        }
      },
      end: () => out,
    };
  }
  // Tumbling 1 s windows per key with an in-order watermark: emit a window when time passes it.
  const open = new Map<string, { key: string; start: number; n: number }>();
  let out = 0;
  let currentStart = -1;
  return {
    add(r) {
      const start = r.ts - (r.ts % 1000);
      if (start > currentStart) {
        for (const [k, w] of open) if (w.start < start) {
          out++;
          open.delete(k);
        }
        currentStart = start;
      }
      const k = `${r.sensor}|${start}`;
      const w = open.get(k);
      if (w) w.n++;
      else open.set(k, { key: r.sensor, start, n: 1 });
    },
    end: () => out + open.size,
  };
}

function nullSink(counter: { rows: number }): StreamSink {
  return { kind: 'null', open() {}, write(b) { counter.rows += b.numRows; }, flush() {}, close() {} };
}

export interface StreamFigure {
  case: string;
  tool: string;
  events: number;
  wallMs: number;
  cpuMs: number;
  outRows: number;
}

async function measureApp(name: string, build: (sink: StreamSink) => StreamApp, events: number): Promise<StreamFigure> {
  const counter = { rows: 0 };
  const app = build(nullSink(counter));
  const dir = mkdtempSync(join(tmpdir(), 'pype-stream-bench-'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runStream(app, { stateDir: dir, checkpointInterval: '5s' });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rmSync(dir, { recursive: true, force: true });
  return { case: name, tool: 'pypeline', events, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, outRows: counter.rows };
}

function runPlain(kind: PlainCase, rows: PlainEvent[]): number {
  const work = plainWork(kind);
  for (const r of rows) work.add(r);
  return work.end();
}

function measurePlain(name: string, fn: () => number, events: number): StreamFigure {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { case: name, tool: 'plain JS objects', events, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, outRows: out };
}

/**
 * The streaming cases of `pnpm bench`, in process, from an in-memory source of record batches:
 * stateless (filter + computed column) and keyed (key_by + 1 s tumbling count), each against a
 * hand-written loop over plain row objects (what one writes without a stream engine).
 */
export async function streamBench(events: number, batchSize: number): Promise<StreamFigure[]> {
  const { batches, rows } = makeEvents(events, batchSize);
  const figures: StreamFigure[] = [];

  figures.push(await measureApp('map/filter', (sink) => {
    const app = streamApp('bench_stateless');
    app.source('events', memorySource(batches), { eventTime: 'ts' }).filter('value >= 10').map({ scaled: 'value * 2.5' }).to(sink, { name: 'out' });
    return app;
  }, events));
  figures.push(measurePlain('map/filter', () => runPlain('map/filter', rows), events));

  figures.push(await measureApp('key_by + tumbling count', (sink) => {
    const app = streamApp('bench_windowed');
    app.source('events', memorySource(batches), { eventTime: 'ts' }).keyBy('sensor').window(tumbling('1s')).aggregate({ n: count() }, { name: 'win' }).to(sink, { name: 'out' });
    return app;
  }, events));
  figures.push(measurePlain('key_by + tumbling count', () => runPlain('key_by + tumbling count', rows), events));
  return figures;
}
