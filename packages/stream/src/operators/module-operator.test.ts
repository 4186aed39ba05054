import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import deriveMod from '@pypeline/mod-derive-mod';
import filterMod from '@pypeline/mod-filter-mod';
import { defineModule, requireInputList, toTable } from '@pypeline/sdk';
import { describe, expect, it } from 'vitest';
import { count, sum } from '../aggregates.js';
import { streamApp } from '../app.js';
import { collectSink, memorySource } from '../connectors/memory.js';
import { runStream } from '../runtime/run-stream.js';
import { TestRunner } from '../testing/test-runner.js';
import { tumbling } from '../windows.js';

const rows = Array.from({ length: 200 }, (_, i) => ({ k: i % 2 ? 'odd' : 'even', price: i % 10, qty: 2, ts: i * 50 }));

/** A transform module that takes its time with each batch (a slow lookup, say). */
const slowCopy = defineModule({
  name: 'slow_copy', type: 'mod', description: 'copies its input after a delay', category: 'Test',
  inputPorts: ['input'], outputPorts: ['output'],
  async run(inputs) {
    await new Promise((r) => setTimeout(r, 5));
    return { output: await toTable(inputs.input) };
  },
});

/** A module with a many input port, like union_mod: a stream is its one connection. */
const stack = defineModule({
  name: 'stack_mod', type: 'mod', description: 'stacks its inputs', category: 'Test',
  inputPorts: ['inputs'], manyInputPorts: ['inputs'], outputPorts: ['output'],
  async run(inputs) {
    const [first, ...rest] = await Promise.all(requireInputList(inputs, 'inputs', 'stack_mod', 'connect it').map((a) => toTable(a)));
    return { output: first.concat(...rest) };
  },
});

describe('batch modules in a stream', () => {
  it('feeds a many input port the stream as its one connection', async () => {
    const out = collectSink();
    const app = streamApp('many');
    app.source('in', memorySource(rows.slice(0, 40), { batchSize: 16 })).module(stack, {}, { name: 'stack' }).to(out, { name: 'out' });
    await runStream(app, { stateDir: mkdtempSync(join(tmpdir(), 'pype-mod-')) });
    expect(out.rows).toHaveLength(40);
  });

  it('runs installed transform modules once per record batch, in order', async () => {
    const out = collectSink();
    const app = streamApp('modules');
    app.source('in', memorySource(rows, { batchSize: 16 }), { eventTime: 'ts' })
      .module(filterMod, { condition: 'price >= 5' }, { name: 'expensive' })
      .module(deriveMod, { columns: { total: 'price * qty' } }, { name: 'totals' })
      .keyBy('k').window(tumbling('1s')).aggregate({ n: count(), total: sum('total') }, { name: 'per_second' })
      .to(out, { name: 'out' });
    const r = await runStream(app, { stateDir: mkdtempSync(join(tmpdir(), 'pype-mod-')) });
    expect(r.metrics.find((m) => m.id === 'expensive')).toMatchObject({ type: 'module', rowsIn: 200, rowsOut: 100 });
    // 20 events a second, those with price 5..9 kept: in [0 s, 1 s) i = 5..9 and 15..19
    expect(out.rows).toHaveLength(20);
    expect(out.rows.slice(0, 2)).toEqual([
      { k: 'odd', window_start: 0, window_end: 1000, n: 6, total: 2 * (5 + 7 + 9 + 5 + 7 + 9) },
      { k: 'even', window_start: 0, window_end: 1000, n: 4, total: 2 * (6 + 8 + 6 + 8) },
    ]);
  });

  it('holds the watermark until a slow module has passed its batches on: no event is late', async () => {
    const out = collectSink();
    const late = collectSink();
    const app = streamApp('slow');
    const w = app.source('in', memorySource(rows, { batchSize: 8 }), { eventTime: 'ts' })
      .module(slowCopy, {})
      .keyBy('k').window(tumbling('500ms')).aggregate({ n: count() });
    w.to(out, { name: 'out' });
    w.late().to(late, { name: 'late' });
    await runStream(app, { stateDir: mkdtempSync(join(tmpdir(), 'pype-mod-')) });
    expect(late.rows).toEqual([]);
    expect(out.rows.reduce((a, r) => a + (r.n as number), 0)).toBe(200);
    expect(out.rows.every((r) => r.n === 5)).toBe(true);
  });

  it('refuses modules that cannot sit in a stream, saying why', () => {
    const app = streamApp('bad');
    const s = app.source('in', memorySource(rows));
    const sink = defineModule({ name: 'a_sink', type: 'sink', description: '', category: 'T', inputPorts: ['input'], async run() {} });
    expect(() => s.module(sink, {})).toThrow(/module a_sink is a sink; only transform modules \(type mod\) run inside a stream/);
    const two = defineModule({ name: 'two_in', type: 'mod', description: '', category: 'T', inputPorts: ['left', 'right'], outputPorts: ['output'], async run() { return {}; } });
    expect(() => s.module(two, {})).toThrow(/has input ports left, right/);
    const app2 = streamApp('t');
    app2.source('in', memorySource(rows)).module(slowCopy, {}).to(collectSink());
    expect(() => new TestRunner(app2)).toThrow(/runs a module, which is asynchronous/);
  });
});
