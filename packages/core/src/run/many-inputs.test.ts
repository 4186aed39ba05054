import { describe, expect, it } from 'vitest';
import { flow, step } from '../builder/flow-builder.js';
import { check, fixtureProject, flowYaml } from '../testing/flow-files.js';
import { run } from './run-flow.js';

// A many input port (the module's manyInputPorts): any number of connections, delivered to the
// module in connection order; every other port still takes exactly one.

const emitRows = step<{ rows: number; label?: string }, never, 'data'>('emit_rows', { required: ['rows'] });
const concatRows = step<Record<string, never>, 'inputs', 'output'>('concat_rows');
const countSink = step<{ limit?: number }, 'input', never>('count_sink');

const modules = (ids: string[]) => [...ids.map((id, i) => `  - id: ${id}\n    name: emit_rows\n    configs:\n      required: { rows: ${i + 1} }\n      optional: { label: ${id} }`),
  '  - id: all\n    name: concat_rows\n    configs: { required: {}, optional: {} }', '  - id: out\n    name: count_sink\n    configs: { required: {}, optional: {} }'].join('\n');

describe('many input ports', () => {
  it('accepts any number of connections into a many port', () => {
    const r = check(flowYaml({ modules: modules(['a', 'b', 'c']), data: ['a.data - all.inputs', 'c.data - all.inputs', 'b.data - all.inputs', 'all.output - out.input'] }));
    expect(r.errors).toEqual([]);
  });

  it('still needs at least one, and a single port still takes one', () => {
    const none = check(flowYaml({ modules: modules(['a']), data: ['all.output - out.input'] }));
    expect(none.errors.map((e) => e.message)).toContain('input port "inputs" of all (concat_rows) is not connected');
    const twice = check(flowYaml({ modules: modules(['a', 'b']), data: ['a.data - all.inputs', 'all.output - out.input', 'b.data - out.input'] }));
    expect(twice.errors.map((e) => e.message)).toContain('input port out.input is already fed by connections.data[1]');
  });

  it('gives the module its inputs in connection order', async () => {
    const f = flow({ name: 'many' });
    const [a, b, c] = ['a', 'b', 'c'].map((id, i) => f.add(emitRows(id, { rows: i + 1, label: id })));
    const all = f.add(concatRows('all', {}));
    const out = f.add(countSink('out', {}));
    f.data(c.out('data'), all.in('inputs')).data(a.out('data'), all.in('inputs')).data(b.out('data'), all.in('inputs')).data(a.out('data'), all.in('inputs'));
    f.data(all.out('output'), out.in('input'));
    const result = await run(f, { searchDirs: [fixtureProject()] });
    expect(result.errors).toEqual([]);
    expect(result.results.all).toMatchObject({ status: 'success', rowsIn: 3 + 1 + 2 + 1, rowsOut: 7, globals: { inputs: 4, labels: 'c0,a0,b0,a0' } });
    expect(result.results.out).toMatchObject({ status: 'success', rowsIn: 7 });
  });
});
