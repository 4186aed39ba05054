import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { outputSchemasOf } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import filter from './index.js';

const input = new Schema([new Field('age', new Int32(), true), new Field('name', new Utf8(), true)]);

describe('filter_mod outputSchemas', () => {
  it('keeps the input schema', async () => {
    const r = await outputSchemasOf(filter, { condition: "age > 18 and name != {{context.who}}" }, { input });
    expect(r.outputs?.output).toBe(input);
    expect(r.problems).toEqual([]);
  });

  it('reports unknown columns and functions with their span in the condition', async () => {
    const r = await outputSchemasOf(filter, { condition: 'agee > 18 or yeer(name) > 1' }, { input });
    expect(r.problems).toEqual([
      expect.objectContaining({ key: ['condition'], message: 'unknown column `agee`', span: { start: 0, end: 4 }, hint: expect.stringContaining('did you mean `age`') }),
      expect.objectContaining({ key: ['condition'], message: 'unknown function `yeer()`', span: { start: 13, end: 17 } }),
    ]);
  });

  it('checks only the syntax when the input is unknown', async () => {
    expect((await outputSchemasOf(filter, { condition: 'nope > 1' }, {})).problems).toEqual([]);
    const r = await outputSchemasOf(filter, { condition: 'age >> ) 18 (' }, {});
    expect(r.outputs?.output).toEqual({ unknown: 'its input is unknown' });
    expect(r.problems?.[0]).toMatchObject({ key: ['condition'], span: { start: 5, end: 6 } });
  });
});
