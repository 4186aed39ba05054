import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { inputList } from '../inputs.js';
import { defineModule } from '../module.js';
import { runModule } from './run-module.js';

const double = defineModule<{ factor?: number }>({
  name: 'double_mod',
  type: 'mod',
  description: 'Doubles x',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['rows'],
  async run(inputs, ctx) {
    const table = await inputs.input.table();
    const xs = Array.from(table.getChild('x')!.toArray() as Int32Array, (x) => x * (ctx.config.factor ?? 2));
    ctx.setGlobal('rows', table.numRows);
    return { output: tableFromArrays({ x: Int32Array.from(xs) }) };
  },
});

describe('runModule', () => {
  it('runs setup, run and teardown and collects each output port into a table', async () => {
    const calls: string[] = [];
    const def = { ...double, setup: () => void calls.push('setup'), teardown: () => void calls.push('teardown') };
    const { outputs, ctx } = await runModule(def, { config: { factor: 3 }, inputs: { input: tableFromArrays({ x: Int32Array.from([1, 2]) }) } });
    expect([...(outputs.output.getChild('x')!.toArray() as Int32Array)]).toEqual([3, 6]);
    expect(ctx.globals.get('rows')).toBe(2);
    expect(calls).toEqual(['setup', 'teardown']);
  });

  it('awaits teardown even when run throws', async () => {
    let tornDown = false;
    const def = { ...double, run: async () => { throw new Error('boom'); }, teardown: () => { tornDown = true; } };
    await expect(runModule(def, { config: {}, inputs: { input: [] } })).rejects.toThrow('boom');
    expect(tornDown).toBe(true);
  });

  it('refuses inputs that do not match the input ports, naming them', async () => {
    await expect(runModule(double, { config: {}, inputs: { in: [] } })).rejects.toThrow(
      'runModule(double_mod): input port "input" has no data; "in" is not an input port. Its input ports are [input]',
    );
  });

  it('fails when an output port is missing or undeclared', async () => {
    const none = { ...double, run: async () => ({}) };
    await expect(runModule(none, { config: {}, inputs: { input: [] } })).rejects.toThrow('returned nothing on output port "output"');
    const extra = { ...double, run: async () => ({ output: tableFromArrays({ x: [1] }), other: tableFromArrays({ x: [1] }) }) };
    await expect(runModule(extra, { config: {}, inputs: { input: [] } })).rejects.toThrow('returned output "other", which is not in outputPorts');
  });

  it('gives a many input port its connections in order, keyed by inputKey', async () => {
    const count = defineModule({
      name: 'count_mod', type: 'mod', description: 'Counts rows per input', category: 'Transforms',
      inputPorts: ['inputs'], manyInputPorts: ['inputs'], outputPorts: ['output'],
      async run(inputs) {
        return { output: tableFromArrays({ rows: Int32Array.from(inputList(inputs, 'inputs').map((a) => a.numRows)) }) };
      },
    });
    const { outputs } = await runModule(count, { config: {}, inputs: { inputs: [tableFromArrays({ x: [1, 2] }), [], tableFromArrays({ x: [3] })] } });
    expect([...(outputs.output.getChild('rows')!.toArray() as Int32Array)]).toEqual([2, 0, 1]);
    await expect(runModule(count, { config: {}, inputs: { inputs: tableFromArrays({ x: [1] }) } })).rejects.toThrow('"inputs" takes many connections: give it a non-empty list');
  });
});
